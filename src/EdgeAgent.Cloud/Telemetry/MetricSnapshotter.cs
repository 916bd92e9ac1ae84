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

    private readonly PipelineMetrics _metrics;
    private readonly ICloudStatus _status;
    private readonly AgentDescription _agent;
    private readonly CloudBuffer _buffer;
    private readonly TimeProvider _time;
    private readonly int _historySize;
    private readonly Lock _lock = new();
    private readonly LinkedList<byte[]> _history = new();
    private Baseline _baseline;
    private long _nextId;

    public MetricSnapshotter(PipelineMetrics metrics, ICloudStatus status, AgentDescription agent, CloudBuffer buffer, int historySize, TimeProvider time)
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
            Stages.Select(s => _metrics.Stage(s).Snapshot()).ToArray(),
            process.TotalProcessorTime,
            process.WorkingSet64);
    }

    private byte[] Write(long id, Baseline before, Baseline now)
    {
        var seconds = Math.Max((now.At - before.At).TotalSeconds, 1e-3);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("id", id);
            json.WriteString("at", now.At);
            json.WriteNumber("intervalSeconds", Math.Round(seconds, 3));
            WriteAgent(json);
            WriteDrift(json);

            json.WriteStartObject("events");
            json.WriteNumber("received", now.Received - before.Received);
            json.WriteNumber("scored", now.Scored - before.Scored);
            json.WriteNumber("rejected", now.Rejected - before.Rejected);
            json.WriteNumber("duplicates", now.Duplicates - before.Duplicates);
            json.WriteNumber("acknowledged", now.Acknowledged - before.Acknowledged);
            json.WriteNumber("modelErrors", now.ModelErrors - before.ModelErrors);
            json.WriteNumber("answerFailures", now.AnswerFailures - before.AnswerFailures);
            json.WriteEndObject();

            json.WriteStartObject("decisions");
            var decisions = Enum.GetValues<Decision>();
            for (var i = 0; i < decisions.Length; i++)
            {
                json.WriteNumber(AnswerWriter.DecisionName(decisions[i]), now.Decisions[i] - before.Decisions[i]);
            }

            json.WriteEndObject();
            json.WriteStartObject("rejections");
            foreach (var (code, count) in now.Rejections)
            {
                var delta = count - before.Rejections.GetValueOrDefault(code);
                if (delta > 0)
                {
                    json.WriteNumber(code, delta);
                }
            }

            json.WriteEndObject();
            json.WriteStartObject("totals");
            json.WriteNumber("received", now.Received);
            json.WriteNumber("scored", now.Scored);
            json.WriteNumber("rejected", now.Rejected);
            json.WriteNumber("duplicates", now.Duplicates);
            json.WriteEndObject();

            json.WriteNumber("throughputPerSecond", Math.Round((now.Scored + now.Rejected - before.Scored - before.Rejected) / seconds, 3));
            var batches = now.Batches - before.Batches;
            json.WriteNumber("averageBatchSize", batches == 0 ? 0 : Math.Round((double)(now.Rows - before.Rows) / batches, 2));

            json.WriteStartObject("latencyMs");
            for (var i = 0; i < Stages.Length; i++)
            {
                var interval = now.Stages[i].Since(before.Stages[i]);
                json.WriteStartObject(PipelineStageNames.Of(Stages[i]));
                json.WriteNumber("count", interval.Count);
                json.WriteNumber("mean", Math.Round(interval.MeanMicros / 1000, 3));
                json.WriteNumber("p50", Math.Round(interval.Percentile(0.5) / 1000, 3));
                json.WriteNumber("p90", Math.Round(interval.Percentile(0.9) / 1000, 3));
                json.WriteNumber("p99", Math.Round(interval.Percentile(0.99) / 1000, 3));
                json.WriteEndObject();
            }

            json.WriteEndObject();

            json.WriteStartObject("process");
            json.WriteNumber("cpuPercent", Math.Round((now.Cpu - before.Cpu).TotalSeconds / seconds * 100, 2));
            json.WriteNumber("cores", Environment.ProcessorCount);
            json.WriteNumber("workingSetBytes", now.WorkingSet);
            json.WriteNumber("managedHeapBytes", GC.GetTotalMemory(forceFullCollection: false));
            json.WriteEndObject();

            CloudStatusJson.WriteBuffer(json, _status);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void WriteAgent(Utf8JsonWriter json)
    {
        json.WriteStartObject("agent");
        json.WriteString("version", _agent.Version);
        if (_agent.Model() is { } model)
        {
            json.WriteString("model", model.Name);
            json.WriteString("modelVersion", model.Version);
        }

        if (_agent.Provider() is { } provider)
        {
            json.WriteString("provider", provider);
        }

        json.WriteEndObject();
    }

    /// <summary>
    /// The running model's card band and score PSI (<c>drift</c>: <c>scorePsi</c>, <c>band.hourlyLow</c>,
    /// <c>band.hourlyHigh</c>), so the fleet judges the store against the band of the model it runs; written only
    /// when the figures are of the model named in <c>agent</c>.
    /// </summary>
    private void WriteDrift(Utf8JsonWriter json)
    {
        if (_agent.Drift?.Invoke() is not { } drift || drift.Model != _agent.Model() || (drift.Band is null && drift.ScorePsi is null))
        {
            return;
        }

        json.WriteStartObject("drift");
        if (drift.ScorePsi is { } psi && double.IsFinite(psi))
        {
            json.WriteNumber("scorePsi", Math.Round(psi, 4));
        }

        if (drift.Band is { } band)
        {
            json.WriteStartObject("band");
            json.WriteNumber("hourlyLow", band.HourlyLow);
            json.WriteNumber("hourlyHigh", band.HourlyHigh);
            json.WriteEndObject();
        }

        json.WriteEndObject();
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
