using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>
/// The emulated link between terminals and a scoring service (configuration section <c>Link</c>): a TCP relay that
/// delays what crosses it, as a wide-area network would, or holds what terminals send until the end of a batch window.
/// </summary>
public sealed class LinkOptions
{
    public const string SectionName = "Link";

    /// <summary>Loopback port the terminals connect to.</summary>
    [Range(1, 65535)]
    public int ListenPort { get; set; }

    /// <summary>Host of the service behind the link. Default 127.0.0.1.</summary>
    [Required]
    public string TargetHost { get; set; } = "127.0.0.1";

    /// <summary>Port of the service behind the link.</summary>
    [Range(1, 65535)]
    public int TargetPort { get; set; }

    /// <summary>Round trip added, in milliseconds: half of it each way. Default 0.</summary>
    [Range(0, 10_000)]
    public double RoundTripMilliseconds { get; set; }

    /// <summary>Spread of the round trip, in milliseconds: each direction varies uniformly by ±half of it, redrawn every 100 ms. Default 0.</summary>
    [Range(0, 10_000)]
    public double JitterMilliseconds { get; set; }

    /// <summary>
    /// Share of segments lost, in percent. TCP delivers in order, so a lost segment is modelled as it shows at the
    /// application: the segment and everything behind it arrive <see cref="RetransmitMilliseconds"/> later. Default 0.
    /// </summary>
    [Range(0, 100)]
    public double LossPercent { get; set; }

    /// <summary>What a loss costs: the retransmission timeout, 200 ms by default (Linux's minimum RTO).</summary>
    [Range(0, 60_000)]
    public double RetransmitMilliseconds { get; set; } = 200;

    /// <summary>
    /// When above 0, the payments terminals send (MQTT PUBLISH packets) are held as they arrive and released together at
    /// the end of each window of this many seconds (the batch job's period); the session's other packets and the answers
    /// pass at once. Default 0: no window.
    /// </summary>
    [Range(0, 3600)]
    public double BatchSeconds { get; set; }

    /// <summary>Seed of the jitter and loss draws, so that runs are comparable. Default 1.</summary>
    public int Seed { get; set; } = 1;
}
