using EdgeAgent.Training.Data;

namespace EdgeAgent.Training.Evaluation;

/// <summary>
/// Measures several models' scoring speed in one process. The models take turns, batch size by batch size,
/// and each throughput figure is the median of <see cref="SpeedSettings.Repeats"/> turns, so a slow moment
/// of the machine does not land on one model only.
/// </summary>
public static class SpeedBenchmark
{
    public static IReadOnlyList<SpeedResult> Measure(IReadOnlyList<byte[]> models, FeatureMatrix rows, SpeedSettings settings)
    {
        var timers = models.Select(m => new ModelTimer(m, rows)).ToList();
        try
        {
            foreach (var timer in timers)
            {
                timer.WarmUp(settings.BatchSizes, settings.WarmUpCalls);
            }

            var samples = timers.Select(_ => settings.BatchSizes.ToDictionary(b => b, _ => new List<double>())).ToList();
            for (var repeat = 0; repeat < settings.Repeats; repeat++)
            {
                foreach (var batch in settings.BatchSizes)
                {
                    for (var m = 0; m < timers.Count; m++)
                    {
                        samples[m][batch].Add(timers[m].RowsPerSecond(batch, settings.Seconds));
                    }
                }
            }

            return
            [
                .. timers.Select((timer, m) =>
                {
                    var latencies = timer.SingleRowLatencies(settings.LatencyCalls);
                    return new SpeedResult(
                        settings.BatchSizes.ToDictionary(b => b, b => Median(samples[m][b])),
                        Percentile(latencies, 50),
                        Percentile(latencies, 99),
                        latencies.Length);
                }),
            ];
        }
        finally
        {
            foreach (var timer in timers)
            {
                timer.Dispose();
            }
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double percent) =>
        sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
