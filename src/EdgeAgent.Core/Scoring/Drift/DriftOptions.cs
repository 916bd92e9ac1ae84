using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Core.Scoring.Drift;

/// <summary>The drift watch (configuration section <c>Drift</c>): live score and feature distributions against the model card's training months.</summary>
public sealed class DriftOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Drift";

    /// <summary>
    /// Payments a distribution is measured over: the latest half-window and the one before it, so between half and
    /// all of this many. Default 10,000: enough for a population stability index to be steady, recent enough to see
    /// a change within a few hours at a store's rate.
    /// </summary>
    [Range(100, 10_000_000)]
    public int WindowPayments { get; set; } = 10_000;

    /// <summary>Payments needed before drift is judged at all. Default 1,000: fewer make a noisy index.</summary>
    [Range(1, 10_000_000)]
    public int MinPayments { get; set; } = 1_000;

    /// <summary>
    /// Population stability index at which a distribution counts as drifted. Default 0.25, the usual line for a
    /// significant shift (0.1 to 0.25 is moderate).
    /// </summary>
    [Range(0.01, 100)]
    public double PsiWarning { get; set; } = 0.25;

    /// <summary>Seconds between checks that log a warning when drift or the alert rate leaves its band. Default 60.</summary>
    [Range(1, 86_400)]
    public int CheckIntervalSeconds { get; set; } = 60;
}
