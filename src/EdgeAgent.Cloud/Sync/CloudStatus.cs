using EdgeAgent.Cloud.Buffer;
using EdgeAgent.Cloud.Transport;

namespace EdgeAgent.Cloud.Sync;

/// <summary>The live state of the cloud sync, read by /status, /metrics, the snapshots and the twin.</summary>
public sealed class CloudStatus : ICloudStatus
{
    private readonly CloudBuffer? _buffer;
    private readonly ICloudTransport? _transport;
    private readonly CloudRuntimeSettings? _settings;
    private readonly TimeProvider _time;
    private long _failures;

    public CloudStatus(CloudBuffer buffer, ICloudTransport transport, CloudRuntimeSettings settings, TimeProvider time)
    {
        _buffer = buffer;
        _transport = transport;
        _settings = settings;
        _time = time;
    }

    private CloudStatus()
    {
        _time = TimeProvider.System;
    }

    /// <summary>The status of an agent with no cloud.</summary>
    public static CloudStatus Off { get; } = new();

    public bool Enabled => _buffer is not null;

    public string Target => _transport?.Description ?? "none";

    public bool Connected => _transport?.IsConnected ?? false;

    public long BufferBytes => _buffer?.Bytes ?? 0;

    public long BufferMaxBytes => _settings?.BufferMaxBytes ?? 0;

    public TimeSpan? OldestUnsentAge => _buffer?.Oldest() is { } oldest ? _time.GetUtcNow() - oldest : null;

    public DateTimeOffset? LastSyncAt
    {
        get
        {
            if (_buffer is null)
            {
                return null;
            }

            DateTimeOffset? last = null;
            foreach (var stream in new OutboundStream[] { _buffer.Records, _buffer.Alerts, _buffer.Metrics })
            {
                if (stream.State.LastSentAt is { } at && (last is null || at > last))
                {
                    last = at;
                }
            }

            return last;
        }
    }

    public long SendFailures => Interlocked.Read(ref _failures);

    public CloudStreamStatus Stream(CloudStream stream)
    {
        if (_buffer is null)
        {
            return CloudStreamStatus.Empty;
        }

        var s = _buffer.Stream(stream);
        var state = s.State;
        return new CloudStreamStatus(s.Depth, state.SentItems, state.SentMessages, state.DroppedFull, state.DroppedExpired);
    }

    public void CountFailure() => Interlocked.Increment(ref _failures);
}
