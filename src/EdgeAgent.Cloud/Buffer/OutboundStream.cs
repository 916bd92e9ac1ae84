using EdgeAgent.Cloud.Transport;
using EdgeAgent.Core.Records;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// One stream of the buffer, sent in order, one message at a time. Before a message is first sent its range is
/// persisted, so that after a failure or a restart exactly the same message goes again under the same id (a
/// duplicate the cloud can drop by <c>$.mid</c>); only the acknowledgement moves the stream on. Only the pump
/// calls these members; status readers read the counters.
/// </summary>
public abstract class OutboundStream
{
    private readonly ICheckpointTable _store;
    private readonly string _stateId;
    private CloudMessage? _pending;

    protected OutboundStream(CloudStream kind, ICheckpointTable store, MessageFormat format)
    {
        Kind = kind;
        _store = store;
        Format = format;
        _stateId = CloudMessage.TypeName(kind);
        State = store.Load(_stateId);
    }

    public CloudStream Kind { get; }

    public StreamState State { get; }

    /// <summary>Items not yet acknowledged by the cloud.</summary>
    public abstract long Depth { get; }

    /// <summary>Bytes those items will take on the wire (estimated for records).</summary>
    public abstract long Bytes { get; }

    /// <summary>When the oldest unsent item happened, or null when none is waiting.</summary>
    public abstract DateTimeOffset? Oldest { get; }

    protected MessageFormat Format { get; }

    /// <summary>The message to send now: the one in flight, else a new batch; null when nothing waits.</summary>
    public CloudMessage? Next()
    {
        if (_pending is not null)
        {
            return _pending;
        }

        if (State.InflightFrom > 0)
        {
            _pending = Rebuild(State.InflightFrom, State.InflightTo);
            if (_pending is not null)
            {
                return _pending;
            }

            ClearInflight();
        }

        var message = Build();
        if (message is null)
        {
            return null;
        }

        State.InflightFrom = message.First;
        State.InflightTo = message.Last;
        Save();
        return _pending = message;
    }

    /// <summary>The cloud took <paramref name="message"/>: move on past it.</summary>
    public void Acknowledge(CloudMessage message, DateTimeOffset now)
    {
        Remove(message);
        State.InflightFrom = 0;
        State.InflightTo = 0;
        State.SentItems += message.Count;
        State.SentMessages++;
        State.LastSentAt = now;
        _pending = null;
        Save();
    }

    /// <summary>Drops what is older than <paramref name="cutoff"/>; returns how many items.</summary>
    public abstract long DropExpired(DateTimeOffset cutoff);

    /// <summary>Drops the oldest items until about <paramref name="bytes"/> are freed; returns the bytes freed.</summary>
    public abstract long DropOldest(long bytes);

    protected abstract CloudMessage? Build();

    protected abstract CloudMessage? Rebuild(long first, long last);

    protected abstract void Remove(CloudMessage message);

    /// <summary>Forgets the message in flight: its items were dropped, a new batch will be made.</summary>
    protected void ClearInflight()
    {
        _pending = null;
        State.InflightFrom = 0;
        State.InflightTo = 0;
    }

    protected void Save() => _store.Save(_stateId, State);
}
