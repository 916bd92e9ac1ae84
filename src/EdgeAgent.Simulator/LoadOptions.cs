using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Simulator;

/// <summary>What the POS simulator sends and how (configuration section <c>Load</c>).</summary>
public sealed class LoadOptions
{
    public const string SectionName = "Load";

    /// <summary>Broker to publish to. Default 127.0.0.1.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Broker port. Default 1883.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary><c>Open</c> (fixed rate, default) or <c>Closed</c> (fixed concurrency).</summary>
    public LoadMode Mode { get; set; } = LoadMode.Open;

    /// <summary>Payments per second in open loop. Default 1000.</summary>
    [Range(0.1, 1_000_000)]
    public double Rate { get; set; } = 1000;

    /// <summary>Payments outstanding in closed loop. Default 8.</summary>
    [Range(1, 100_000)]
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// Closed loop: each of the <see cref="Concurrency"/> senders also waits for its payment's PUBACK, not only its answer,
    /// before it sends the next, so that with <see cref="Concurrency"/> equal to <see cref="Terminals"/> no connection ever has
    /// more than one payment unacknowledged (a terminal at a till). Default false: the next payment follows the answer.
    /// </summary>
    public bool WaitForPubAck { get; set; }

    /// <summary>MQTT connections the payments are spread over (terminals). Default 4.</summary>
    [Range(1, 1000)]
    public int Terminals { get; set; } = 4;

    /// <summary>Payments to send; 0 (default) sends the sample once. Beyond the sample's size it is replayed (<see cref="PaymentSample.Replay"/>) with fresh ids.</summary>
    [Range(0, 100_000_000)]
    public int Count { get; set; }

    /// <summary>Payments sent first and left out of the figures (connection and JIT warm-up). Default 0.</summary>
    [Range(0, 10_000_000)]
    public int Warmup { get; set; }

    /// <summary>
    /// Payments of the sample that happened before this time are sent first as card history and left out of the
    /// figures, as with <see cref="Warmup"/>. Unset (default) counts every payment. The demo sets it to the start
    /// of the sample's last month, so the model sees cards with a history, as it would in a store.
    /// </summary>
    public DateTimeOffset? MeasureFrom { get; set; }

    /// <summary>The labelled sample to replay. Default: the one bundled with the simulator.</summary>
    public string? SamplePath { get; set; }

    /// <summary>
    /// Give every payment of this run a fresh transaction id (the sample id plus a run suffix). Default true:
    /// replaying the same ids would only measure duplicate answers. Off, the sample's own ids are sent.
    /// </summary>
    public bool FreshIds { get; set; } = true;

    /// <summary>
    /// Where in the sample the replay starts: payment <c>i</c> of this run is the sample's payment <c>Offset + i</c>
    /// (beyond the sample's end, its next replay: <see cref="PaymentSample.Replay"/>). Default 0. A run that follows a warm-up against
    /// the same agent starts where the warm-up stopped, so its cards arrive with the history a store holds for them
    /// (the benchmark's measured runs start at 10,000, after <c>warm_agent</c>'s 10,000).
    /// </summary>
    [Range(0, 100_000_000)]
    public int Offset { get; set; }

    /// <summary>
    /// Stamp every payment with its send time (to the millisecond) instead of the sample's own time. Default false. A
    /// fleet reads only payments of the last seven days, and its freshness is measured from the payment's time, so a
    /// fleet benchmark pays live.
    /// </summary>
    public bool StampNow { get; set; }

    /// <summary>First topic level. Default <c>pos</c>.</summary>
    [Required]
    public string TopicRoot { get; set; } = "pos";

    /// <summary>Seconds to wait for answers after the last send before counting the rest as lost. Default 10.</summary>
    [Range(0.1, 3600)]
    public double AnswerTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Counts <see cref="AnswerTimeoutSeconds"/> from the last answer rather than the last send, so a slow but moving
    /// target is waited for. Default false: a run that measures latency gives up at the same time whatever came back.
    /// </summary>
    public bool WaitWhileAnswering { get; set; }

    /// <summary>Seconds between progress lines; 0 prints none. Default 1.</summary>
    [Range(0, 3600)]
    public double ProgressSeconds { get; set; } = 1;

    /// <summary>TCP buffer of each connection, in bytes. Default 262144 (the 8 KB default stalls).</summary>
    [Range(4096, 16_777_216)]
    public int TcpBufferBytes { get; set; } = 262_144;

    /// <summary>Where to write the run's figures as JSON (for benchmark scripts); unset writes none.</summary>
    public string? ReportFile { get; set; }
}
