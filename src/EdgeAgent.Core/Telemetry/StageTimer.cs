using System.Diagnostics.Metrics;

namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// The duration histogram of one pipeline stage: a measurement of <see cref="MetricNames.StageDuration"/>, in
/// seconds, tagged with the stage's name. Recording allocates nothing.
/// </summary>
public sealed class StageTimer
{
    private readonly Histogram<double> _histogram;
    private readonly KeyValuePair<string, object?> _tag;
    private readonly double _timestampFrequency;

    internal StageTimer(Histogram<double> histogram, PipelineStage stage, long timestampFrequency)
    {
        _histogram = histogram;
        _timestampFrequency = timestampFrequency;
        Name = PipelineStageNames.Of(stage);
        _tag = new(MetricNames.StageTag, Name);
    }

    /// <summary>The stage's name, as /metrics, /status and the snapshots give it.</summary>
    public string Name { get; }

    /// <summary>Records one duration in microseconds.</summary>
    public void Record(double micros) => _histogram.Record(Math.Max(0, micros) / 1_000_000, _tag);

    /// <summary>
    /// Records the time from one timestamp of the metrics' <see cref="TimeProvider"/> (<see cref="TimeProvider.GetTimestamp"/>)
    /// to another.
    /// </summary>
    public void RecordTicks(long startTimestamp, long endTimestamp) =>
        _histogram.Record(Math.Max(0, endTimestamp - startTimestamp) / _timestampFrequency, _tag);

    /// <summary>
    /// Records the time from <paramref name="startTimestamp"/> until the last of <paramref name="work"/> is done,
    /// failed or not, by <paramref name="time"/>'s clock. Nothing waits: the last one to finish records it, so a
    /// stage that runs on the transport (answers until the broker took them) is timed where it ends, not where it is
    /// next looked at.
    /// </summary>
    /// <returns>The recording itself, done once the time is recorded (for a test to wait on).</returns>
    public Task RecordWhenDone(IReadOnlyList<Task> work, TimeProvider time, long startTimestamp)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(time);
        if (work.Count == 0)
        {
            return Task.CompletedTask;
        }

        var all = work.Count == 1 ? work[0] : Task.WhenAll(work);
        if (all.IsCompleted)
        {
            _ = all.Exception;
            Record(time.GetElapsedTime(startTimestamp).TotalMicroseconds);
            return Task.CompletedTask;
        }

        // The failures are the caller's to observe (it awaits the same tasks); the combined task's are not.
        return all.ContinueWith(
            static (done, state) =>
            {
                var (timer, clock, start) = ((StageTimer, TimeProvider, long))state!;
                _ = done.Exception;
                timer.Record(clock.GetElapsedTime(start).TotalMicroseconds);
            },
            (this, time, startTimestamp),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
