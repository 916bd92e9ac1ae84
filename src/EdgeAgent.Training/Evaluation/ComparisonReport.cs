using System.Globalization;
using System.Text;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Training.Evaluation;

/// <summary>The side-by-side comparison as Markdown: accuracy on the test months, file size, CPU speed, the machine and the command.</summary>
public sealed record ComparisonReport(
    string Command,
    string DataFile,
    string DataSha256,
    string TestPeriod,
    long TestRows,
    long TestFrauds,
    MachineInfo Machine,
    SpeedSettings Speed,
    IReadOnlyList<ComparedModel> Models,
    IReadOnlyDictionary<string, EvaluationMetrics> Metrics,
    IReadOnlyDictionary<string, SpeedResult> Speeds)
{
    /// <summary>The layouts measured, in order.</summary>
    public IReadOnlyList<string> Layouts { get; init; } = [];

    /// <summary>Test-month metrics of every model in every layout, the card's thresholds.</summary>
    public IReadOnlyDictionary<(string Model, string Layout), EvaluationMetrics> PerLayout { get; init; } =
        new Dictionary<(string, string), EvaluationMetrics>();

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        Line(md, $"Command: `{Command}`");
        md.AppendLine();
        md.AppendLine();
        Line(md, $"Data: `{DataFile}` (sha256 `{DataSha256}`), test months {TestPeriod}: {TestRows:N0} rows, {TestFrauds:N0} frauds. Every metric is computed here from each file's own scores in ONNX Runtime; recall at the review/decline thresholds uses each card's thresholds.");
        md.AppendLine();
        md.AppendLine();
        Line(md, $"Machine: {Machine}.");
        md.AppendLine();
        md.AppendLine();
        md.AppendLine("| model | kind | file (bytes) | share of float twin | ROC-AUC | PR-AUC | recall @ 0.5 % | recall @ 1 % | Brier | ECE | recall @ review / alerts | recall @ decline / alerts |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var model in Models.Where(m => Metrics.ContainsKey(m.Label)))
        {
            var m = Metrics[model.Label];
            Line(md, $"| {model.Label} | {model.Card.Kind} | {model.Onnx.Length:N0} | {ShareOfParent(model)} | {m.RocAuc:F6} | {m.PrAuc:F6} | {m.RecallAtHalfPctAlertRate:F4} | {m.RecallAt1PctAlertRate:F4} | {m.Brier:F6} | {m.ExpectedCalibrationError:F6} | {m.RecallAtReview:F4} / {m.AlertRateAtReview:P2} | {m.RecallAtDecline:F4} / {m.AlertRateAtDecline:P2} |");
            md.AppendLine();
        }

        md.AppendLine();
        if (Layouts.Count > 0)
        {
            LayoutTable(md);
        }

        var batches = Speed.BatchSizes;
        Line(md, $"CPU scoring speed: one intra-op thread, ORT_ENABLE_ALL, OrtValue API with reused input/output buffers, real test feature rows; {Speed.WarmUpCalls} warm-up calls per batch size; rows/s is the median of {Speed.Repeats} runs of {Speed.Seconds:0.#} s per batch size (models taking turns); latency is per call at batch 1 over {Speed.LatencyCalls:N0} calls.");
        md.AppendLine();
        md.AppendLine();
        md.Append("| model |");
        foreach (var b in batches)
        {
            Line(md, $" rows/s @ batch {b} |");
        }

        md.AppendLine(" p50 µs @ batch 1 | p99 µs @ batch 1 |");
        md.Append("| --- |");
        md.Append(string.Concat(Enumerable.Repeat(" ---: |", batches.Count)));
        md.AppendLine(" ---: | ---: |");
        foreach (var model in Models.Where(m => Speeds.ContainsKey(m.Label)))
        {
            var s = Speeds[model.Label];
            Line(md, $"| {model.Label} |");
            foreach (var b in batches)
            {
                Line(md, $" {s.RowsPerSecond[b]:N0} |");
            }

            Line(md, $" {s.P50Microseconds:F1} | {s.P99Microseconds:F1} |");
            md.AppendLine();
        }

        foreach (var model in Models.Where(m => m.Skipped is not null))
        {
            md.AppendLine();
            Line(md, $"Not compared: {model.Label} ({model.Card.File}): {model.Skipped}.");
            md.AppendLine();
        }

        return md.ToString();
    }

    /// <summary>Every model in every layout (split by time), and the card's cardholder-split figures beside them.</summary>
    private void LayoutTable(StringBuilder md)
    {
        md.AppendLine("Every layout, test months, split by time (recomputed here) and by cardholder (from the card: a twin trained without 30 % of the cards, measured on those cards):");
        md.AppendLine();
        md.AppendLine("| model | layout | ROC-AUC | PR-AUC | recall @ review | alerts @ review | cardholder ROC-AUC | cardholder PR-AUC | cardholder recall / alerts @ review |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var model in Models.Where(m => Metrics.ContainsKey(m.Label)))
        {
            foreach (var layout in Layouts)
            {
                var m = PerLayout[(model.Label, layout)];
                var c = model.Card.Metrics?.Layouts?.FirstOrDefault(l => l.Layout == layout && l.Split == LayoutMetrics.CardholderSplit)?.Test;
                var cardholder = c is null ? "– | – | –" : Format($"{c.RocAuc:F6} | {c.PrAuc:F6} | {c.RecallAtReview:F4} / {c.AlertRateAtReview:P2}");
                Line(md, $"| {model.Label} | {layout} | {m.RocAuc:F6} | {m.PrAuc:F6} | {m.RecallAtReview:F4} | {m.AlertRateAtReview:P2} | {cardholder} |");
                md.AppendLine();
            }
        }

        md.AppendLine();
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>File size as a share of the parent's (a quantized model's float twin), when the parent is in the comparison.</summary>
    private string ShareOfParent(ComparedModel model)
    {
        var parent = model.Card.Lineage?.Parent is { } p ? Models.FirstOrDefault(m => m.Label == p) : null;
        return parent is null || parent.Onnx.Length == 0
            ? "–"
            : (model.Onnx.Length / (double)parent.Onnx.Length).ToString("P1", CultureInfo.InvariantCulture);
    }

    private static void Line(StringBuilder md, FormattableString text) => md.Append(text.ToString(CultureInfo.InvariantCulture));
}
