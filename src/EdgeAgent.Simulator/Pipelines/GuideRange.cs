using System.Globalization;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>One of the guide's ranges for an architecture (latency in ms, throughput per second, utilization in percent).</summary>
public readonly record struct GuideRange(double Low, double High, string Unit)
{
    /// <summary>Where <paramref name="value"/> falls: below, within or above the range.</summary>
    public string Place(double value) => value < Low ? "below" : value > High ? "above" : "within";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Low:#,0}–{High:#,0}{Unit}");
}
