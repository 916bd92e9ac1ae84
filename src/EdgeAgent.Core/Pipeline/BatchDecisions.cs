using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Scores an assembled batch in one model run and decides each row: a failed run is retried row by row, so one bad row
/// cannot spoil the others; a score that is not a probability is never taken; reasons are explained for alerts only; the
/// shadow model and the drift watch see every scored row.
/// </summary>
internal sealed partial class BatchDecisions
{
    private readonly ShadowScoring? _shadow;
    private readonly DecisionPolicy _decisions;
    private readonly PipelineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly Scoring.Drift.DriftMonitor? _drift;
    private readonly ILogger _logger;
    private readonly Reason[] _reasons = new Reason[ReasonCodes.MaxReasons];
    private float[] _scores = new float[64];
    private bool[] _ran = new bool[64];

    public BatchDecisions(PipelineParts parts)
    {
        _shadow = parts.Shadow is null ? null : new ShadowScoring(parts.Shadow, parts.Decisions, parts.Metrics, parts.Logger);
        _decisions = parts.Decisions;
        _metrics = parts.Metrics;
        _time = parts.Time;
        _drift = parts.Drift;
        _logger = parts.Logger;
    }

    /// <summary>Runs <paramref name="scorer"/> over its first <paramref name="scored"/> input rows and decides the rows that have one.</summary>
    public void Decide(IScorer scorer, int scored, Span<ScoringRow> rows, float[] features)
    {
        var thresholds = _decisions.Resolve(scorer.Thresholds);
        var started = _time.GetTimestamp();
        if (_scores.Length < scored)
        {
            _scores = new float[scored];
        }

        var scores = _scores.AsSpan(0, scored);
        var ran = Run(scorer, scored, scores, out var retried);
        _metrics.Stage(PipelineStage.Inference).RecordTicks(started, _time.GetTimestamp());
        _metrics.CountInference(scored);
        var shadow = _shadow?.Score(scorer, scored);
        var model = scorer.Model;

        foreach (ref var row in rows)
        {
            if (row.ScoreIndex < 0)
            {
                continue;
            }

            row.Model = model;
            var score = scores[row.ScoreIndex];
            if (!ran[row.ScoreIndex])
            {
                row.FallbackReason = FallbackReasons.ModelUnavailable;
            }
            else if (!float.IsFinite(score) || score is < 0f or > 1f)
            {
                // Not a probability: a broken model must never approve by accident.
                _metrics.CountModelError();
                row.FallbackReason = FallbackReasons.ModelOutputInvalid;
            }
            else
            {
                row.Score = score;
                row.Decision = thresholds.Decide(score);
                if (shadow is { } s && s.Scored(row.ScoreIndex, row.Decision, out var shadowScore))
                {
                    row.ShadowScore = shadowScore;
                    row.ShadowModel = s.Model;
                }

                // Reasons only for alerts, and only while the scorer still holds this batch's inputs as scored.
                if (row.Decision != Decision.Approve && !retried)
                {
                    row.Reasons = Explain(scorer, row.ScoreIndex);
                }

                _drift?.Observe(model, score, row.Decision != Decision.Approve, features.AsSpan(row.FeatureOffset, FeatureSchema.Count));
            }
        }
    }

    private Reason[] Explain(IScorer scorer, int row)
    {
        var reasons = _reasons.AsSpan();
        try
        {
            var count = scorer.Explain(row, reasons);
            return count > 0 ? reasons[..count].ToArray() : [];
        }
        catch (Exception ex)
        {
            // A reason that cannot be computed never costs the payment its decision.
            LogExplainFailed(ex, scorer.Model.ToString());
            return [];
        }
    }

    private bool[] Run(IScorer scorer, int rows, Span<float> scores, out bool retried)
    {
        retried = false;
        if (_ran.Length < rows)
        {
            _ran = new bool[rows];
        }

        var ran = _ran;
        Array.Clear(ran);
        try
        {
            scorer.Score(rows, scores);
            Array.Fill(ran, true);
            return ran;
        }
        catch (Exception ex)
        {
            _metrics.CountModelError();
            LogModelFailed(ex, rows, scorer.Model.ToString());
        }

        retried = true;
        if (rows == 1)
        {
            return ran;
        }

        // Row by row: the inputs are still in the scorer's buffer; each row is moved to the front and scored alone.
        var all = scorer.InputRows(rows).ToArray();
        Span<float> one = stackalloc float[1];
        for (var i = 0; i < rows; i++)
        {
            all.AsSpan(i * FeatureSchema.Count, FeatureSchema.Count).CopyTo(scorer.InputRows(1));
            try
            {
                scorer.Score(1, one);
                scores[i] = one[0];
                ran[i] = true;
            }
            catch (Exception)
            {
                _metrics.CountModelError();
            }
        }

        return ran;
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Model {Model} failed on a batch of {Rows}; retrying row by row")]
    private partial void LogModelFailed(Exception exception, int rows, string model);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Model {Model} could not explain a score; answered without reasons")]
    private partial void LogExplainFailed(Exception exception, string model);
}
