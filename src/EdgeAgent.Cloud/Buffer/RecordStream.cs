using EdgeAgent.Cloud.Transport;
using EdgeAgent.Core.Records;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// Every outcome, read from the record itself (the record is an append-only log numbered by sequence): nothing is
/// copied on the hot path. The checkpoint is the last sequence number the cloud acknowledged (or that was dropped);
/// sequence numbers are dense, so the backlog is the last committed number minus the checkpoint.
/// </summary>
public sealed class RecordStream : OutboundStream
{
    private const int ScanChunk = 1000;
    private readonly IOutcomeLog _log;
    private double _averageBytes;
    private DateTimeOffset? _oldest;
    private long _oldestAt = -1;

    public RecordStream(IOutcomeLog log, ICheckpointTable store, MessageFormat format)
        : base(CloudStream.Records, store, format)
    {
        _log = log;
    }

    public override long Depth => Math.Max(0, _log.LastSequence - State.Checkpoint);

    public override long Bytes => Depth == 0 ? 0 : (long)(Depth * AverageBytes);

    /// <summary>Mean encoded size of a record, learned from what was encoded (sampled when nothing was yet).</summary>
    public double AverageBytes
    {
        get
        {
            if (_averageBytes <= 0)
            {
                var sample = _log.ReadAfter(State.Checkpoint, 32);
                _averageBytes = sample.Count == 0 ? 0 : sample.Average(r => (double)RecordJson.Encode(r).Length + 1);
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
        var records = _log.ReadAfter(State.Checkpoint, Format.MaxItems);
        if (records.Count == 0)
        {
            return null;
        }

        var items = Encode(records);
        var count = Format.CountThatFit(items);
        if (count == 0)
        {
            // A record alone larger than a message cannot be sent; it is dropped and counted, never silently.
            DropTo(records[0].Sequence, expired: false);
            return null;
        }

        return Format.Build(Kind, items, count);
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
        long total = 0;
        foreach (var record in records)
        {
            var json = RecordJson.Encode(record);
            total += json.Length + 1;
            items.Add(new EncodedItem(record.Sequence, json, record.ReceivedAt));
        }

        var mean = (double)total / records.Count;
        _averageBytes = _averageBytes <= 0 ? mean : (0.8 * _averageBytes) + (0.2 * mean);
        return items;
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
