using System.Globalization;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Training.Commands;

/// <summary>Progress lines of the commands, formatted the same way whatever the machine's culture.</summary>
internal static class CommandLog
{
    public static void Line(TextWriter log, FormattableString message) =>
        log.WriteLine(message.ToString(CultureInfo.InvariantCulture));

    public static void Metrics(TextWriter log, EvaluationMetrics m) => Line(
        log,
        $"{m.Period}: {m.Rows} rows, {m.Frauds} frauds, ROC-AUC {m.RocAuc:F4}, PR-AUC {m.PrAuc:F4}, recall@0.5% {m.RecallAtHalfPctAlertRate:F4}, recall@1% {m.RecallAt1PctAlertRate:F4}, Brier {m.Brier:F5}, ECE {m.ExpectedCalibrationError:F5}, review: recall {m.RecallAtReview:F4} alerts {m.AlertRateAtReview:P3}, decline: recall {m.RecallAtDecline:F4} alerts {m.AlertRateAtDecline:P3}");

    public static void Thresholds(TextWriter log, ThresholdSpec t) => Line(
        log,
        $"thresholds: review {t.Review:G6} ({t.ReviewAlertRate:P2} of {t.ChosenOn}), decline {t.Decline:G6} ({t.DeclineAlertRate:P2})");

    /// <summary>The thresholds, then every layout's metrics, one line each.</summary>
    public static void Assessment(TextWriter log, Assessment.ModelAssessment assessment)
    {
        Thresholds(log, assessment.Thresholds);
        foreach (var layout in assessment.Layouts)
        {
            foreach (var m in new[] { layout.Validation, layout.Test })
            {
                if (m is null)
                {
                    Line(log, $"{layout.Layout} ({layout.Split} split): a period without frauds or genuine payments, not measured");
                }
                else
                {
                    log.Write(string.Create(CultureInfo.InvariantCulture, $"{layout.Layout} ({layout.Split} split) "));
                    Metrics(log, m);
                }
            }
        }

        foreach (var s in assessment.SameRecall)
        {
            Line(log, $"{s.Layout} ({s.Split} split) test at the training layout's recall {s.Recall:F4}: alerts {s.Outcome.AlertRate:P3} ({s.Outcome.Alerts} of {s.Outcome.Rows}), recall {s.Outcome.Recall:F4}");
        }
    }

    /// <summary>Largest |a − b| over two equally long score arrays.</summary>
    public static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double max = 0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - (double)b[i]));
        }

        return max;
    }
}
