using System.Globalization;
using Xunit.Abstractions;

namespace EdgeAgent.FaultTests.Support;

/// <summary>
/// The seed of a fault test's random kills and delays: a fresh one each run, or the one in
/// <see cref="Variable"/> to replay a failure. Written to the test's output, which the runner prints with a failure.
/// </summary>
internal static class FaultSeed
{
    public const string Variable = "EDGEAGENT_FAULT_SEED";

    public static Random Next(ITestOutputHelper output, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var seed = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } text
            ? int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : Environment.TickCount;
        output.WriteLine($"seed {seed}; replay with {Variable}={seed} dotnet test tests/EdgeAgent.FaultTests --filter \"FullyQualifiedName~{test}\"");
        return new Random(seed);
    }
}
