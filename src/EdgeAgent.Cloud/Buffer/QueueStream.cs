using EdgeAgent.Cloud.Transport;
using EdgeAgent.Core.Records;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// A small durable queue (alerts, metric snapshots): appended by its producer, sent in id order, deleted once the cloud
/// acknowledged it.
/// </summary>
public sealed class QueueStream : OutboundStream
{
    private const int ScanPage = 256;
    private readonly IItemQueue _items;

    public QueueStream(CloudStream kind, IItemQueue items, ICheckpointTable store, MessageFormat format)
        : base(kind, store, format)
    {
        _items = items;
    }

    public override long Depth => _items.Count;

    public override long Bytes => _items.Bytes;

    public override DateTimeOffset? Oldest => _items.Oldest;

    /// <summary>The collection that holds the queue of <paramref name="kind"/> in the agent's database.</summary>
    public static string CollectionName(CloudStream kind) => "cloud_" + CloudMessage.TypeName(kind);

    /// <summary>Adds an item (from its producer's loop); an id already queued is kept as it was.</summary>
    public bool Append(long id, DateTimeOffset at, byte[] json) => _items.Append(new EncodedItem(id, json, at));

    public override long DropExpired(DateTimeOffset cutoff) => Drop([.. _items.IdsBefore(cutoff)], expired: true).Count;

    public override long DropOldest(long bytes)
    {
        var ids = new List<long>();
        long freed = 0;
        var after = long.MinValue;
        while (freed < bytes && _items.ReadAfter(after, ScanPage) is { Count: > 0 } page)
        {
            foreach (var item in page)
            {
                if (freed >= bytes)
                {
                    break;
                }

                ids.Add(item.Id);
                freed += item.Json.Length;
            }

            after = page[^1].Id;
        }

        return Drop(ids, expired: false).Bytes;
    }

    protected override CloudMessage? Build()
    {
        var items = _items.ReadAfter(long.MinValue, Format.MaxItems);
        if (items.Count == 0)
        {
            return null;
        }

        var message = Format.BuildFitting(Kind, items);
        if (message is null)
        {
            Drop([items[0].Id], expired: false);
        }

        return message;
    }

    protected override CloudMessage? Rebuild(long first, long last)
    {
        var items = _items.ReadRange(first, last);
        return items.Count == 0 ? null : Format.Build(Kind, items, items.Count);
    }

    protected override void Remove(CloudMessage message) => _items.DeleteRange(message.First, message.Last);

    private RemovedItems Drop(List<long> ids, bool expired)
    {
        if (ids.Count == 0)
        {
            return default;
        }

        if (State.InflightFrom > 0 && ids[0] <= State.InflightTo)
        {
            // Never resend part of a message under a new id: the message in flight goes whole.
            var inflight = _items.ReadRange(State.InflightFrom, State.InflightTo).Select(i => i.Id);
            ids = ids.Union(inflight).Order().ToList();
            ClearInflight();
        }

        var removed = _items.Delete(ids);
        if (expired)
        {
            State.DroppedExpired += removed.Count;
        }
        else
        {
            State.DroppedFull += removed.Count;
        }

        Save();
        return removed;
    }
}
