using EdgeAgent.Core.Records;
using EdgeAgent.Storage.Files;
using LiteDB;

namespace EdgeAgent.Storage.Queues;

/// <summary>
/// A queue in its own collection of the agent's LiteDB file, one document per item: <c>{ _id: id, at: UTC date, j: bytes }</c>,
/// indexed by <c>at</c> for the age limit. Count and bytes are kept in memory, counted when the queue is opened. Every
/// operation goes through <see cref="LiteDbFile"/>, so a reopen after an I/O failure never leaves the queue on a closed
/// database.
/// </summary>
public sealed class LiteDbQueue : IItemQueue
{
    private readonly LiteDbFile _file;
    private readonly string _name;
    private long _count;
    private long _bytes;

    /// <param name="file">The database file.</param>
    /// <param name="name">The collection that holds the queue.</param>
    public LiteDbQueue(LiteDbFile file, string name)
    {
        _file = file;
        _name = name;
        (_count, _bytes) = Write(items =>
        {
            items.EnsureIndex("at");
            long count = 0, bytes = 0;
            foreach (var doc in items.FindAll())
            {
                count++;
                bytes += doc["j"].AsBinary.Length;
            }

            return (count, bytes);
        });
    }

    public long Count => Interlocked.Read(ref _count);

    public long Bytes => Interlocked.Read(ref _bytes);

    public DateTimeOffset? Oldest => Read(items => items.Query().OrderBy("_id").Limit(1).FirstOrDefault()) is { } doc ? At(doc) : null;

    public bool Append(EncodedItem item)
    {
        var added = Write(items =>
        {
            if (items.FindById(item.Id) is not null)
            {
                return false;
            }

            items.Insert(new BsonDocument { ["_id"] = item.Id, ["at"] = item.At.UtcDateTime, ["j"] = item.Json });
            return true;
        });
        if (added)
        {
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _bytes, item.Json.Length);
        }

        return added;
    }

    public IReadOnlyList<EncodedItem> ReadAfter(long id, int max) =>
        Read(items => items.Query().Where(Query.GT("_id", id)).OrderBy("_id").Limit(max).ToEnumerable().Select(Item).ToList());

    public IReadOnlyList<EncodedItem> ReadRange(long first, long last) =>
        Read(items => items.Find(Query.Between("_id", first, last)).Select(Item).OrderBy(i => i.Id).ToList());

    public IReadOnlyList<long> IdsBefore(DateTimeOffset cutoff) =>
        Read(items => items.Find(Query.LT("at", cutoff.UtcDateTime)).Select(d => d["_id"].AsInt64).Order().ToList());

    public RemovedItems DeleteRange(long first, long last) => Removed(Write(items =>
    {
        var range = Query.Between("_id", first, last);
        long bytes = items.Find(range).Sum(d => (long)d["j"].AsBinary.Length);
        return new RemovedItems(items.DeleteMany(range), bytes);
    }));

    public RemovedItems Delete(IEnumerable<long> ids) => Removed(Write(items =>
    {
        long count = 0, bytes = 0;
        foreach (var id in ids)
        {
            if (items.FindById(id) is { } doc && items.Delete(id))
            {
                count++;
                bytes += doc["j"].AsBinary.Length;
            }
        }

        return new RemovedItems(count, bytes);
    }));

    private static EncodedItem Item(BsonDocument doc) => new(doc["_id"].AsInt64, doc["j"].AsBinary, At(doc));

    private static DateTimeOffset At(BsonDocument doc) =>
        new(DateTime.SpecifyKind(doc["at"].AsDateTime.ToUniversalTime(), DateTimeKind.Utc));

    private RemovedItems Removed(RemovedItems removed)
    {
        Interlocked.Add(ref _count, -removed.Count);
        Interlocked.Add(ref _bytes, -removed.Bytes);
        return removed;
    }

    /// <summary>A read; the result is materialized inside, as LiteDB's cursors must not outlive the file's lock.</summary>
    private T Read<T>(Func<ILiteCollection<BsonDocument>, T> read) => _file.Read(db => read(db.GetCollection(_name)));

    private T Write<T>(Func<ILiteCollection<BsonDocument>, T> write)
    {
        try
        {
            return _file.Write(db => write(db.GetCollection(_name)));
        }
        catch (IOException ex)
        {
            throw _file.Unavailable(ex);
        }
    }
}
