using EdgeAgent.Fuzzing;

namespace EdgeAgent.Core.Tests.Properties;

/// <summary>
/// Every input of the fuzz corpora goes through the fuzz target's properties on every test run: the seeds, and each input
/// a fuzz run found crashing, once fixed (tests/EdgeAgent.Fuzzing/corpus/regression/payment; docs/fuzzing.md).
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string> Inputs() => [.. CorpusFiles.Under(Path.Combine(AppContext.BaseDirectory, "corpus"))];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void CorpusInput_KeepsEveryPropertyOfThePaymentTarget(string input)
    {
        var payload = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", input));

        var (_, broken) = PaymentTarget.Check(payload);

        Assert.Empty(broken);
    }
}
