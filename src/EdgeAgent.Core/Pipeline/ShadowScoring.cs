using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Scores a batch's rows with the shadow model too. It never decides, and nothing it does, a failure included, changes a
/// live answer. Agreement counts the payments where the shadow model, with its own thresholds, would have decided as the
/// live one did.
/// </summary>
internal sealed partial class ShadowScoring(IScorerSource shadow, DecisionPolicy decisions, PipelineMetrics metrics, ILogger logger)
{
    private float[] _scores = [];

    /// <summary>Scores the live scorer's input rows with the shadow model; null when it failed.</summary>
    public Result? Score(IScorer live, int rows)
    {
        using var lease = shadow.Rent();
        var scorer = lease.Scorer;
        try
        {
            var count = Math.Min(rows, scorer.MaxBatchSize);
            if (_scores.Length < count)
            {
                _scores = new float[scorer.MaxBatchSize];
            }

            live.InputRows(count).CopyTo(scorer.InputRows(count));
            scorer.Score(count, _scores.AsSpan(0, count));
            return new Result(this, scorer.Model, decisions.Resolve(scorer.Thresholds), count);
        }
        catch (Exception ex)
        {
            metrics.CountShadowError();
            LogShadowFailed(ex, scorer.Model.ToString());
            return null;
        }
    }

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Shadow model {Model} failed on a batch; live answers are unaffected")]
    private partial void LogShadowFailed(Exception exception, string model);

    /// <summary>The shadow scores of one batch.</summary>
    public sealed class Result(ShadowScoring owner, ModelIdentity model, DecisionThresholds thresholds, int count)
    {
        public ModelIdentity Model => model;

        /// <summary>The shadow score of row <paramref name="index"/>, counting whether it agrees with the live decision.</summary>
        public bool Scored(int index, Decision live, out double score)
        {
            score = 0;
            if (index >= count || !float.IsFinite(owner._scores[index]))
            {
                return false;
            }

            score = owner._scores[index];
            owner.Metrics.CountShadow(thresholds.Decide(score) == live);
            return true;
        }
    }

    private PipelineMetrics Metrics => metrics;
}
