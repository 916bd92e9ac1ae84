using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Scores a batch's rows with the shadow model too and records its score beside the live one. It never decides,
/// and nothing it does, a failure included, changes a live answer. Agreement counts the payments where the shadow
/// model, with its own thresholds, would have decided as the live one did.
/// </summary>
internal sealed partial class ShadowScoring(IScorerSource shadow, DecisionPolicy decisions, PipelineMetrics metrics, ILogger logger)
{
    private float[] _scores = [];

    public void Score(Scoring.IScorer live, ReadOnlySpan<Outcome> rows)
    {
        using var lease = shadow.Rent();
        var scorer = lease.Scorer;
        try
        {
            var count = Math.Min(rows.Length, scorer.MaxBatchSize);
            if (_scores.Length < count)
            {
                _scores = new float[scorer.MaxBatchSize];
            }

            live.InputRows(count).CopyTo(scorer.InputRows(count));
            scorer.Score(count, _scores.AsSpan(0, count));
            var thresholds = decisions.Resolve(scorer.Thresholds);
            for (var i = 0; i < count; i++)
            {
                rows[i].ShadowScore = _scores[i];
                rows[i].ShadowModel = scorer.Model;
                metrics.CountShadow(thresholds.Decide(_scores[i]) == rows[i].Decision);
            }
        }
        catch (Exception ex)
        {
            metrics.CountShadowError();
            LogShadowFailed(ex, scorer.Model.ToString());
        }
    }

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Shadow model {Model} failed on a batch; live answers are unaffected")]
    private partial void LogShadowFailed(Exception exception, string model);
}
