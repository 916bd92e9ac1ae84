using EdgeAgent.Core.Records;
using EdgeAgent.Storage.Files;
using LiteDB;

namespace EdgeAgent.Storage.Queues;

/// <summary>
/// Checkpoint records in a collection of the agent's LiteDB file, one small document each: a stream's state as
/// <c>{ _id, cp, if, it, si, sm, df, de, ls }</c> (checkpoint, message in flight, sent items and messages, dropped when full
/// and when expired, last sent), a value as <c>{ _id, v }</c>. Every operation goes through <see cref="LiteDbFile"/>.
/// </summary>
public sealed class LiteDbCheckpoints : ICheckpointTable
{
    private readonly LiteDbFile _file;
    private readonly string _name;

    /// <param name="file">The database file.</param>
    /// <param name="name">The collection that holds the records.</param>
    public LiteDbCheckpoints(LiteDbFile file, string name)
    {
        _file = file;
        _name = name;
    }

    public StreamState Load(string id)
    {
        var doc = _file.Read(db => db.GetCollection(_name).FindById(id));
        return doc is null
            ? new StreamState()
            : new StreamState
            {
                Checkpoint = doc["cp"].AsInt64,
                InflightFrom = doc["if"].AsInt64,
                InflightTo = doc["it"].AsInt64,
                SentItems = doc["si"].AsInt64,
                SentMessages = doc["sm"].AsInt64,
                DroppedFull = doc["df"].AsInt64,
                DroppedExpired = doc["de"].AsInt64,
                LastSentAt = doc["ls"].IsNull ? null : new DateTimeOffset(DateTime.SpecifyKind(doc["ls"].AsDateTime.ToUniversalTime(), DateTimeKind.Utc)),
            };
    }

    public void Save(string id, StreamState state) => Upsert(new BsonDocument
    {
        ["_id"] = id,
        ["cp"] = state.Checkpoint,
        ["if"] = state.InflightFrom,
        ["it"] = state.InflightTo,
        ["si"] = state.SentItems,
        ["sm"] = state.SentMessages,
        ["df"] = state.DroppedFull,
        ["de"] = state.DroppedExpired,
        ["ls"] = state.LastSentAt is { } at ? at.UtcDateTime : BsonValue.Null,
    });

    public long LoadValue(string id) => _file.Read(db => db.GetCollection(_name).FindById(id))?["v"].AsInt64 ?? 0;

    public void SaveValue(string id, long value) => Upsert(new BsonDocument { ["_id"] = id, ["v"] = value });

    public string GetOrAddText(string id, string value) => Write(db =>
    {
        var state = db.GetCollection(_name);
        if (state.FindById(id) is { } doc)
        {
            return doc["v"].AsString;
        }

        state.Insert(new BsonDocument { ["_id"] = id, ["v"] = value });
        return value;
    });

    private void Upsert(BsonDocument doc) => Write(db => db.GetCollection(_name).Upsert(doc));

    private T Write<T>(Func<LiteDatabase, T> write)
    {
        try
        {
            return _file.Write(write);
        }
        catch (IOException ex)
        {
            throw _file.Unavailable(ex);
        }
    }
}
