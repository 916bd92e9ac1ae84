using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Training.Evaluation;

/// <summary>The evaluate command's charts: ROC and precision–recall curves per layout, and every model in every layout side by side.</summary>
public static class EvaluationCharts
{
    public static IEnumerable<string> Write(
        string folder,
        IReadOnlyList<string> models,
        IReadOnlyList<string> layouts,
        IReadOnlyDictionary<(string Model, string Layout), EvaluationMetrics> metrics,
        IReadOnlyDictionary<(string Model, string Layout), Curves> curves)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var layout in layouts)
        {
            var roc = SvgChart.Lines(
                $"ROC, test months, {layout}", "false positive rate (log scale)", "true positive rate (recall)",
                [.. models.Select(m => (m, curves[(m, layout)].Roc))], 1e-4, 1, 0.5, 1, logX: true);
            var pr = SvgChart.Lines(
                $"Precision–recall, test months, {layout}", "recall", "precision",
                [.. models.Select(m => (m, curves[(m, layout)].PrecisionRecall))], 0, 1, 0, 1);
            written.Add(Save(folder, $"roc-{layout}.svg", roc));
            written.Add(Save(folder, $"pr-{layout}.svg", pr));
        }

        written.Add(Save(folder, "layouts-pr-auc.svg", SvgChart.Bars(
            "PR-AUC on the test months, by store layout", "PR-AUC", layouts,
            [.. models.Select(m => (m, (IReadOnlyList<double>)[.. layouts.Select(l => metrics[(m, l)].PrAuc)]))], 0.9, 1)));
        written.Add(Save(folder, "layouts-alert-rate.svg", SvgChart.Bars(
            "Alert rate at the card's review threshold, test months", "share of payments reviewed or declined", layouts,
            [.. models.Select(m => (m, (IReadOnlyList<double>)[.. layouts.Select(l => metrics[(m, l)].AlertRateAtReview ?? 0)]))], 0, 0.05)));
        return written;
    }

    private static string Save(string folder, string name, string svg)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, svg);
        return path;
    }
}
