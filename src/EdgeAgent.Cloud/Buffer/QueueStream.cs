using EdgeAgent.Cloud.Transport;
using LiteDB;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// A small queue in its own LiteDB collection (alerts, metric snapshots): appended by its producer, sent in id
/// order, deleted once the cloud acknowledged it. Counts and bytes are kept in memory (recounted at start).
/// </summary>
public sealed class QueueStream : OutboundStream
{
    private readonly ILiteCollection<BsonDocument> _items;
    private long _count;
    private long _bytes;
    private long _pendingBytes;

    public QueueStream(CloudStream kind, LiteDatabase database, CloudStateStore store, MessageFormat format)
        : base(kind, store, format)
    {
        _items = database.GetCollection(CollectionName(kind));
        _items.EnsureIndex("at");
        foreach (var doc in _items.FindAll())
        {
            _count++;
            _bytes += doc["j"].AsBinary.Length;
        }
    }

    public override long Depth => Interlocked.Read(ref _count);

    public override long Bytes => Interlocked.Read(ref _bytes);

    public override DateTimeOffset? Oldest =>
        _items.Query().OrderBy("_id").Limit(1).FirstOrDefault() is { } doc ? At(doc) : null;

    public static string CollectionName(CloudStream kind) => "cloud_" + CloudMessage.TypeName(kind);

    /// <summary>Adds an item (from its producer's loop); an id already queued is kept as it was.</summary>
    public bool Append(long id, DateTimeOffset at, byte[] json)
    {
        if (_items.FindById(id) is not null)
        {
            return false;
        }

        _items.Insert(new BsonDocument { ["_id"] = id, ["at"] = at.UtcDateTime, ["j"] = json });
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _bytes, json.Length);
        return true;
    }

    public override long DropExpired(DateTimeOffset cutoff)
    {
        var ids = _items.Find(Query.LT("at", cutoff.UtcDateTime)).Select(d => d["_id"].AsInt64).Order().ToList();
        return Drop(ids, expired: true).Count;
    }

    public override long DropOldest(long bytes)
    {
        var ids = new List<long>();
        long freed = 0;
        foreach (var doc in _items.Query().OrderBy("_id").ToEnumerable())
        {
            if (freed >= bytes)
            {
                break;
            }

            ids.Add(doc["_id"].AsInt64);
            freed += doc["j"].AsBinary.Length;
        }

        return Drop(ids, expired: false).Bytes;
    }

    protected override CloudMessage? Build()
    {
        var items = _items.Query().OrderBy("_id").Limit(Format.MaxItems).ToEnumerable().Select(Item).ToList();
        if (items.Count == 0)
        {
            return null;
        }

        var count = Format.CountThatFit(items);
        if (count == 0)
        {
            Drop([items[0].Id], expired: false);
            return null;
        }

        _pendingBytes = items.Take(count).Sum(i => (long)i.Json.Length);
        return Format.Build(Kind, items, count);
    }

    protected override CloudMessage? Rebuild(long first, long last)
    {
        var items = _items.Find(Query.Between("_id", first, last)).Select(Item).OrderBy(i => i.Id).ToList();
        _pendingBytes = items.Sum(i => (long)i.Json.Length);
        return items.Count == 0 ? null : Format.Build(Kind, items, items.Count);
    }

    protected override void Remove(CloudMessage message)
    {
        var removed = _items.DeleteMany(Query.Between("_id", message.First, message.Last));
        Interlocked.Add(ref _count, -removed);
        Interlocked.Add(ref _bytes, -_pendingBytes);
        _pendingBytes = 0;
    }

    private static EncodedItem Item(BsonDocument doc) => new(doc["_id"].AsInt64, doc["j"].AsBinary, At(doc));

    private static DateTimeOffset At(BsonDocument doc) =>
        new(DateTime.SpecifyKind(doc["at"].AsDateTime.ToUniversalTime(), DateTimeKind.Utc));

    private (long Count, long Bytes) Drop(List<long> ids, bool expired)
    {
        if (ids.Count == 0)
        {
            return (0, 0);
        }

        if (State.InflightFrom > 0 && ids[0] <= State.InflightTo)
        {
            // Never resend part of a message under a new id: the message in flight goes whole.
            var inflight = _items.Find(Query.Between("_id", State.InflightFrom, State.InflightTo)).Select(d => d["_id"].AsInt64);
            ids = ids.Union(inflight).Order().ToList();
            ClearInflight();
            _pendingBytes = 0;
        }

        long count = 0;
        long bytes = 0;
        foreach (var id in ids)
        {
            if (_items.FindById(id) is { } doc && _items.Delete(id))
            {
                count++;
                bytes += doc["j"].AsBinary.Length;
            }
        }

        Interlocked.Add(ref _count, -count);
        Interlocked.Add(ref _bytes, -bytes);
        if (expired)
        {
            State.DroppedExpired += count;
        }
        else
        {
            State.DroppedFull += count;
        }

        Save();
        return (count, bytes);
    }
}
