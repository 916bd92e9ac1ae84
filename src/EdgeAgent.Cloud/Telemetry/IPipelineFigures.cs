using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Cloud.Telemetry;

/// <summary>
/// The pipeline's figures since the start, as the snapshots need them: the host reads them back from its meter, the
/// same measurements /metrics exports, so a snapshot and a scrape never disagree.
/// </summary>
public interface IPipelineFigures
{
    long Received { get; }

    long Scored { get; }

    long Rejected { get; }

    long Duplicates { get; }

    long Acknowledged { get; }

    long ModelErrors { get; }

    long AnswerFailures { get; }

    /// <summary>Model runs; rows divided by runs is the average batch.</summary>
    long InferenceBatches { get; }

    long InferenceRows { get; }

    long DecisionCount(Decision decision);

    /// <summary>Refusals by every reason code (0 for a code not seen).</summary>
    IReadOnlyDictionary<string, long> RejectionsByCode();

    /// <summary>A stage's durations so far, in microseconds.</summary>
    HistogramSnapshot Stage(PipelineStage stage);
}
