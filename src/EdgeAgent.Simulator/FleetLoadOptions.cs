using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Simulator;

/// <summary>What <c>fleet-deltas</c> sends to a fleet's uplink and for how long (configuration section <c>FleetLoad</c>).</summary>
public sealed class FleetLoadOptions
{
    public const string SectionName = "FleetLoad";

    /// <summary>The uplink broker. Default 127.0.0.1.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Its port. Default 1883.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>Stores sending at once, logged in as <c>{StorePrefix}1</c>..<c>{StorePrefix}N</c>. Default 4.</summary>
    [Range(1, 1000)]
    public int Stores { get; set; } = 4;

    /// <summary>The stores' login and store id before their number. Default <c>store-</c>.</summary>
    [Required]
    public string StorePrefix { get; set; } = "store-";

    /// <summary>A store's password is this before its login (scripts/fleet-local.sh's convention). Default <c>pw-</c>.</summary>
    public string PasswordPrefix { get; set; } = "pw-";

    /// <summary>The fleet's tokenization key fingerprint, which the fleet checks on every batch.</summary>
    [Required]
    [RegularExpression("^[0-9a-f]{16}$")]
    public string KeyFingerprint { get; set; } = "";

    /// <summary>Distinct cards the deltas are spread over. Default 10000.</summary>
    [Range(1, 10_000_000)]
    public int Cards { get; set; } = 10_000;

    /// <summary>Deltas per uplink message. Default 64.</summary>
    [Range(1, 4096)]
    public int BatchDeltas { get; set; } = 64;

    /// <summary>Messages each store keeps waiting for their receipt. Default 4.</summary>
    [Range(1, 1024)]
    public int InFlight { get; set; } = 4;

    /// <summary>How long to send, in seconds. Default 20.</summary>
    [Range(1, 3600)]
    public double Seconds { get; set; } = 20;

    /// <summary>Root of the uplink topics. Default <c>edgeagent/fleet</c>.</summary>
    [Required]
    public string TopicRoot { get; set; } = "edgeagent/fleet";

    /// <summary>Where to write the figures as JSON; unset writes none.</summary>
    public string? ReportFile { get; set; }
}
