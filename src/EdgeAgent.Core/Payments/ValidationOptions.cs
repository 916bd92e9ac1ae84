using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Core.Payments;

/// <summary>Limits a payment must respect (configuration section <c>Validation</c>).</summary>
public sealed class ValidationOptions
{
    public const string SectionName = "Validation";

    /// <summary>Largest payload accepted, in bytes. Default 8192: a payment is a few hundred bytes.</summary>
    [Range(256, 262_144)]
    public int MaxPayloadBytes { get; set; } = 8192;

    /// <summary>Largest amount accepted, in the currency's major unit. Default 1,000,000: larger is a keying error.</summary>
    [Range(1, 1_000_000_000)]
    public decimal MaxAmount { get; set; } = 1_000_000m;

    /// <summary>How far a timestamp may lie ahead of the agent's clock. Default 5 minutes (terminal clock drift).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How old a payment may be. Default off (<c>null</c>): terminals that were offline forward stored payments
    /// later, and the demo replays a labelled history.
    /// </summary>
    public TimeSpan? MaxEventAge { get; set; }
}
