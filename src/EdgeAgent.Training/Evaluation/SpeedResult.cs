namespace EdgeAgent.Training.Evaluation;

/// <summary>Scoring speed of one model: rows per second at each batch size, and latency per call at batch 1.</summary>
/// <param name="RowsPerSecond">Batch size → rows scored per second.</param>
/// <param name="P50Microseconds">Median time of one call at batch 1.</param>
/// <param name="P99Microseconds">99th percentile time of one call at batch 1.</param>
/// <param name="Calls">Calls timed one by one at batch 1.</param>
public sealed record SpeedResult(IReadOnlyDictionary<int, double> RowsPerSecond, double P50Microseconds, double P99Microseconds, int Calls);
