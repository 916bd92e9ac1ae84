using System.Diagnostics;
using System.Text.Json;
using EdgeAgent.Cloud.Buffer;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Cloud.Telemetry;

/// <summary>
/// Takes a metric snapshot of the interval since the previous one: events by outcome and decision, throughput,
/// latency percentiles of the whole path and of each stage, average batch size, the process's CPU and memory, the
/// buffer's depth, age and drops, the model and its execution provider. Each snapshot is queued for the cloud and
/// kept in memory for the <c>GetTelemetry</c> method; cumulative totals ride along, so a dropped snapshot loses
/// no count.
/// </summary>
public sealed class MetricSnapshotter
{
    private const string NextIdState = "metrics-next";
    private static readonly PipelineStage[] Stages = Enum.GetValues<PipelineStage>();

    private readonly IPipelineFigures _metrics;
    private readonly ICloudStatus _status;
    private readonly AgentDescription _agent;
    private readonly CloudBuffer _buffer;
    private readonly TimeProvider _time;
    private readonly int _historySize;
    private readonly Lock _lock = new();
    private readonly LinkedList<byte[]> _history = new();
    private Baseline _baseline;
    private long _nextId;

    public MetricSnapshotter(IPipelineFigures metrics, ICloudStatus status, AgentDescription agent, CloudBuffer buffer, int historySize, TimeProvider time)
    {
        _metrics = metrics;
        _status = status;
        _agent = agent;
        _buffer = buffer;
        _historySize = historySize;
        _time = time;
        _nextId = Math.Max(1, buffer.State.LoadValue(NextIdState));
        _baseline = Capture();
    }

    /// <summary>The most recent snapshot, or null before the first.</summary>
    public byte[]? Latest
    {
        get
        {
            lock (_lock)
            {
                return _history.Last?.Value;
            }
        }
    }

    /// <summary>Up to <paramref name="count"/> most recent snapshots, oldest first.</summary>
    public IReadOnlyList<byte[]> History(int count)
    {
        lock (_lock)
        {
            return _history.Skip(Math.Max(0, _history.Count - count)).ToList();
        }
    }

    /// <summary>Takes a snapshot now, queues it for the cloud and keeps it in the history.</summary>
    public byte[] Take()
    {
        lock (_lock)
        {
            var now = Capture();
            var id = _nextId++;
            var json = Write(id, _baseline, now);
            _buffer.State.SaveValue(NextIdState, _nextId);
            _buffer.Metrics.Append(id, now.At, json);
            _baseline = now;
            _history.AddLast(json);
            while (_history.Count > _historySize)
            {
                _history.RemoveFirst();
            }

            return json;
        }
    }

    private Baseline Capture()
    {
        using var process = Process.GetCurrentProcess();
        return new Baseline(
            _time.GetUtcNow(),
            _metrics.Received,
            _metrics.Scored,
            _metrics.Rejected,
            _metrics.Duplicates,
            _metrics.Acknowledged,
            _metrics.ModelErrors,
            _metrics.AnswerFailures,
            _metrics.InferenceBatches,
            _metrics.InferenceRows,
            Enum.GetValues<Decision>().Select(_metrics.DecisionCount).ToArray(),
            _metrics.RejectionsByCode(),
            Stages.Select(_metrics.Stage).ToArray(),
            process.TotalProcessorTime,
            process.WorkingSet64);
    }

    private byte[] Write(long id, Baseline before, Baseline now)
    {
        var seconds = Math.Max((now.At - before.At).TotalSeconds, 1e-3);
        var decisions = Enum.GetValues<Decision>();
        var batches = now.Batches - before.Batches;
        var model = _agent.Model();
        var snapshot = new MetricSnapshot(
            id,
            now.At,
            Math.Round(seconds, 3),
            new SnapshotAgentInfo(_agent.Version, model?.Name, model?.Version, _agent.Provider()),
            Drift(model),
            new SnapshotEvents(
                now.Received - before.Received,
                now.Scored - before.Scored,
                now.Rejected - before.Rejected,
                now.Duplicates - before.Duplicates,
                now.Acknowledged - before.Acknowledged,
                now.ModelErrors - before.ModelErrors,
                now.AnswerFailures - before.AnswerFailures),
            decisions.Select((d, i) => (d, i)).ToDictionary(x => AnswerWriter.DecisionName(x.d), x => now.Decisions[x.i] - before.Decisions[x.i]),
            now.Rejections.Select(r => (r.Key, Delta: r.Value - before.Rejections.GetValueOrDefault(r.Key))).Where(r => r.Delta > 0)
                .ToDictionary(r => r.Key, r => r.Delta),
            new SnapshotTotals(now.Received, now.Scored, now.Rejected, now.Duplicates),
            Math.Round((now.Scored + now.Rejected - before.Scored - before.Rejected) / seconds, 3),
            batches == 0 ? 0 : Math.Round((double)(now.Rows - before.Rows) / batches, 2),
            Stages.Select((stage, i) => (stage, i)).ToDictionary(x => PipelineStageNames.Of(x.stage), x => Interval(now.Stages[x.i].Since(before.Stages[x.i]))),
            new SnapshotProcess(
                Math.Round((now.Cpu - before.Cpu).TotalSeconds / seconds * 100, 2),
                Environment.ProcessorCount,
                now.WorkingSet,
                GC.GetTotalMemory(forceFullCollection: false)),
            CloudBufferState.Of(_status));
        return JsonSerializer.SerializeToUtf8Bytes(snapshot, CloudJson.Default.MetricSnapshot);
    }

    private static StageInterval Interval(HistogramSnapshot interval) => new(
        interval.Count,
        Math.Round(interval.MeanMicros / 1000, 3),
        Math.Round(interval.Percentile(0.5) / 1000, 3),
        Math.Round(interval.Percentile(0.9) / 1000, 3),
        Math.Round(interval.Percentile(0.99) / 1000, 3));

    /// <summary>
    /// The running model's card band and score PSI, so the fleet judges the store against the band of the model it
    /// runs; null (left out) unless the figures are of the model named in <c>agent</c>.
    /// </summary>
    private SnapshotDrift? Drift(ModelIdentity? model)
    {
        if (_agent.Drift?.Invoke() is not { } drift || drift.Model != model || (drift.Band is null && drift.ScorePsi is null))
        {
            return null;
        }

        return new SnapshotDrift(
            drift.ScorePsi is { } psi && double.IsFinite(psi) ? Math.Round(psi, 4) : null,
            drift.Band is { } band ? new SnapshotBand(band.HourlyLow, band.HourlyHigh) : null);
    }

    private sealed record Baseline(
        DateTimeOffset At,
        long Received,
        long Scored,
        long Rejected,
        long Duplicates,
        long Acknowledged,
        long ModelErrors,
        long AnswerFailures,
        long Batches,
        long Rows,
        long[] Decisions,
        IReadOnlyDictionary<string, long> Rejections,
        HistogramSnapshot[] Stages,
        TimeSpan Cpu,
        long WorkingSet);
}
