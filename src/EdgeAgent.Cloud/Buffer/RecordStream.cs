using EdgeAgent.Cloud.Transport;
using EdgeAgent.Core.Records;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// Every outcome, read from the record itself (the record is an append-only log numbered by sequence): nothing is
/// copied on the hot path. The checkpoint is the last sequence number the cloud acknowledged (or that was dropped);
/// sequence numbers are dense, so the backlog is the last committed number minus the checkpoint. Records gather for
/// up to <see cref="CloudOptions.RecordBatchSeconds"/> before they go, unless a full message waits: compressed, a
/// batch of hundreds costs a tenth of what a few records a message cost on the wire.
/// </summary>
public sealed class RecordStream : OutboundStream
{
    private const int ScanChunk = 1000;
    private readonly IOutcomeLog _log;
    private readonly TimeSpan _gathering;
    private readonly TimeProvider _time;
    private double _averageBytes;
    private DateTimeOffset? _oldest;
    private long _oldestAt = -1;

    public RecordStream(IOutcomeLog log, ICheckpointTable store, MessageFormat format, TimeSpan gathering, TimeProvider time)
        : base(CloudStream.Records, store, format)
    {
        _log = log;
        _gathering = gathering;
        _time = time;
    }

    public override long Depth => Math.Max(0, _log.LastSequence - State.Checkpoint);

    public override long Bytes => Depth == 0 ? 0 : (long)(Depth * AverageBytes);

    /// <summary>
    /// Mean size of a record on the wire, learned from the messages built (compressed, with their share of the
    /// envelope); before the first, the uncompressed rows of a sample, which are larger.
    /// </summary>
    public double AverageBytes
    {
        get
        {
            if (_averageBytes <= 0)
            {
                var sample = _log.ReadAfter(State.Checkpoint, 32);
                _averageBytes = sample.Count == 0 ? 0 : sample.Average(r => (double)Format.Rows.Encode(r).Length);
            }

            return _averageBytes;
        }
    }

    public override DateTimeOffset? Oldest
    {
        get
        {
            // Read again only when the checkpoint moved: one small read per acknowledgement at most.
            var checkpoint = State.Checkpoint;
            if (Depth == 0)
            {
                return null;
            }

            if (_oldestAt != checkpoint)
            {
                _oldest = _log.ReadAfter(checkpoint, 1) is [var first] ? first.ReceivedAt : null;
                _oldestAt = checkpoint;
            }

            return _oldest;
        }
    }

    public override long DropExpired(DateTimeOffset cutoff)
    {
        var last = State.Checkpoint;
        while (true)
        {
            var chunk = _log.ReadAfter(last, ScanChunk);
            var expired = 0;
            foreach (var record in chunk)
            {
                if (record.ReceivedAt >= cutoff)
                {
                    break;
                }

                last = record.Sequence;
                expired++;
            }

            if (expired < ScanChunk)
            {
                break;
            }
        }

        return DropTo(last, expired: true);
    }

    public override long DropOldest(long bytes)
    {
        var average = AverageBytes;
        if (average <= 0 || Depth == 0)
        {
            return 0;
        }

        var count = (long)Math.Ceiling(bytes / average);
        var dropped = DropTo(Math.Min(State.Checkpoint + count, _log.LastSequence), expired: false);
        return (long)(dropped * average);
    }

    protected override CloudMessage? Build()
    {
        // Still gathering: fewer than a message's worth wait and the oldest is younger than the gathering time (read
        // from the cached oldest, so a pump woken by every commit does not read the backlog every time).
        if (_gathering > TimeSpan.Zero && Depth < Format.MaxItems && Oldest is { } oldest && _time.GetUtcNow() - oldest < _gathering)
        {
            return null;
        }

        var records = _log.ReadAfter(State.Checkpoint, Format.MaxItems);
        if (records.Count == 0)
        {
            return null;
        }

        var message = Format.BuildFitting(Kind, Encode(records));
        if (message is null)
        {
            // A record alone larger than a message cannot be sent; it is dropped and counted, never silently.
            DropTo(records[0].Sequence, expired: false);
            return null;
        }

        Learn(message);
        return message;
    }

    protected override CloudMessage? Rebuild(long first, long last)
    {
        var records = _log.ReadAfter(first - 1, (int)Math.Min(last - first + 1, int.MaxValue)).Where(r => r.Sequence <= last).ToList();
        return records.Count == 0 ? null : Format.Build(Kind, Encode(records), records.Count);
    }

    protected override void Remove(CloudMessage message) => State.Checkpoint = Math.Max(State.Checkpoint, message.Last);

    private List<EncodedItem> Encode(IReadOnlyList<RecordedOutcome> records)
    {
        var items = new List<EncodedItem>(records.Count);
        foreach (var record in records)
        {
            items.Add(new EncodedItem(record.Sequence, Format.Rows.Encode(record), record.ReceivedAt));
        }

        return items;
    }

    private void Learn(CloudMessage message)
    {
        var mean = (double)message.Body.Length / message.Count;
        _averageBytes = _averageBytes <= 0 ? mean : (0.8 * _averageBytes) + (0.2 * mean);
    }

    /// <summary>Moves the checkpoint to <paramref name="sequence"/> without sending; the message in flight goes with it whole.</summary>
    private long DropTo(long sequence, bool expired)
    {
        if (sequence <= State.Checkpoint)
        {
            return 0;
        }

        if (State.InflightFrom > 0 && sequence >= State.InflightFrom)
        {
            // Never resend part of a message under a new id: drop the whole of it.
            sequence = Math.Max(sequence, State.InflightTo);
            ClearInflight();
        }

        var count = sequence - State.Checkpoint;
        State.Checkpoint = sequence;
        if (expired)
        {
            State.DroppedExpired += count;
        }
        else
        {
            State.DroppedFull += count;
        }

        Save();
        return count;
    }
}
