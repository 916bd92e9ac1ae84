using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>What the pipeline evaluation runs (configuration section <c>Evaluation</c>); <see cref="Quick"/> shrinks it to a check.</summary>
public sealed class EvaluationOptions
{
    public const string SectionName = "Evaluation";

    /// <summary>Folder the report, its data and its charts are written to. Default <c>artifacts/pipelines</c>.</summary>
    [Required]
    public string Output { get; set; } = "artifacts/pipelines";

    /// <summary>A small run (a few hundred payments, two offered rates) that checks the pipelines answer alike; figures mean little.</summary>
    public bool Quick { get; set; }

    /// <summary>Payments of the scoring pass, the first of the sample in order, whose scores are compared across pipelines. Default 2000.</summary>
    [Range(10, 1_000_000)]
    public int ScoringCount { get; set; } = 2000;

    /// <summary>Payments per second of the scoring pass, sent over one connection. Default 400.</summary>
    [Range(1, 100_000)]
    public double ScoringRate { get; set; } = 400;

    /// <summary>Offered rates of the step search, payments per second, ascending, comma-separated. Default 250 to 8000.</summary>
    [Required]
    public string Rates { get; set; } = "250,500,1000,2000,3000,4000,6000,8000";

    /// <summary>Seconds each offered rate is sent for. Default 6.</summary>
    [Range(0.5, 600)]
    public double StepSeconds { get; set; } = 6;

    /// <summary>The offered rate whose latencies go into the table and the latency chart; must be one of <see cref="Rates"/>. Default 500.</summary>
    [Range(1, 1_000_000)]
    public double ReferenceRate { get; set; } = 500;

    /// <summary>
    /// Terminal connections of the step search and the ablation. Default 64: a store's tills, each with its own
    /// connection; the agent's embedded broker reads a connection's next payment once the previous one is recorded,
    /// so a few connections carrying many payments each would measure a gateway, not a store.
    /// </summary>
    [Range(1, 1000)]
    public int Terminals { get; set; } = 64;

    /// <summary>Stream pipeline: round trip of the emulated wide-area link, milliseconds. Default 100.</summary>
    [Range(0, 10_000)]
    public double RoundTripMilliseconds { get; set; } = 100;

    /// <summary>Stream pipeline: spread of that round trip, milliseconds. Default 20.</summary>
    [Range(0, 10_000)]
    public double JitterMilliseconds { get; set; } = 20;

    /// <summary>Stream pipeline: segments lost, percent, each arriving one round trip late (a fast retransmission) and holding back what follows it. Default 0.1.</summary>
    [Range(0, 100)]
    public double LossPercent { get; set; } = 0.1;

    /// <summary>Batch pipeline: seconds between scoring runs. Default 1 (a nightly or hourly job, scaled down).</summary>
    [Range(0.1, 3600)]
    public double BatchSeconds { get; set; } = 1;

    /// <summary>Run the ablation on the edge pipeline. Default true.</summary>
    public bool Ablation { get; set; } = true;

    /// <summary>Ablation: offered rate of each variant's latency run. Default 1000.</summary>
    [Range(1, 1_000_000)]
    public double AblationRate { get; set; } = 1000;

    /// <summary>Ablation: seconds of each variant's latency run. Default 5.</summary>
    [Range(0.5, 600)]
    public double AblationSeconds { get; set; } = 5;

    /// <summary>Ablation: payments of each variant's closed-loop capacity run. Default 20000.</summary>
    [Range(10, 10_000_000)]
    public int AblationCapacityCount { get; set; } = 20_000;

    /// <summary>Ablation: payments outstanding in the capacity run. Default 64.</summary>
    [Range(1, 100_000)]
    public int AblationConcurrency { get; set; } = 64;

    /// <summary>Ablation: an int8 model in the agent's models folder (card name) to compare with the shipped float model; unset skips it.</summary>
    public string? QuantizedModel { get; set; }

    /// <summary>
    /// Ablation: the <c>EdgeAgent.dll</c> of a build from before the hot-path redesign (more hand-offs between loops), run
    /// as another edge variant with the same settings; unset skips it.
    /// </summary>
    public string? PreRedesignAgent { get; set; }

    /// <summary>Seconds to wait for the last answers of a run before counting the rest as unanswered. Default 15.</summary>
    [Range(1, 3600)]
    public double AnswerTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// Where the agents' data folders go; unset, beside the logs in <see cref="Output"/>'s working folder. Point it at a
    /// device whose flushes stall (<c>scripts/stalling-device.sh</c> mounts one) to see the pipelines on a misbehaving disk.
    /// </summary>
    public string? DataFolder { get; set; }

    /// <summary>The labelled sample; default the simulator's bundled one.</summary>
    public string? SamplePath { get; set; }

    /// <summary>The step search's rates, parsed.</summary>
    public IReadOnlyList<double> StepRates() =>
        [.. Rates.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => double.Parse(r, CultureInfo.InvariantCulture)).Order()];

    /// <summary>Applies <see cref="Quick"/>: small counts, short steps, two rates.</summary>
    public void ApplyQuick()
    {
        if (!Quick)
        {
            return;
        }

        ScoringCount = Math.Min(ScoringCount, 150);
        Rates = "100,200";
        StepSeconds = 1.5;
        ReferenceRate = 100;
        AblationRate = 200;
        AblationSeconds = 1;
        AblationCapacityCount = 400;
        AblationConcurrency = 16;
        AnswerTimeoutSeconds = Math.Min(AnswerTimeoutSeconds, 10);
    }
}
