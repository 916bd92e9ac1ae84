namespace EdgeAgent.Testing;

/// <summary>
/// How many random cases a property test runs: its own default, sized for CI, times <c>EDGEAGENT_PROPERTY_SCALE</c> when
/// that is set (e.g. 20 for a longer local run). A failure prints the seed that reproduces it (set <c>CsCheck_Seed</c>).
/// </summary>
public static class PropertyRuns
{
    public static long Of(long defaultCount) =>
        double.TryParse(Environment.GetEnvironmentVariable("EDGEAGENT_PROPERTY_SCALE"), System.Globalization.CultureInfo.InvariantCulture, out var scale) && scale > 0
            ? Math.Max(1, (long)(defaultCount * scale))
            : defaultCount;
}
