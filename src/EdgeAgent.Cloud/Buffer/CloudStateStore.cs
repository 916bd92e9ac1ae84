using LiteDB;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// Checkpoints and counters of the cloud sync, one small document each, in the agent's LiteDB file (collection
/// <c>cloud_state</c>). Each document has one writer: the pump, the alert scanner or the snapshotter.
/// </summary>
public sealed class CloudStateStore
{
    public const string CollectionName = "cloud_state";

    private readonly ILiteCollection<BsonDocument> _state;

    public CloudStateStore(LiteDatabase database)
    {
        _state = database.GetCollection(CollectionName);
        var epoch = _state.FindById("epoch");
        if (epoch is null)
        {
            // A new database starts a new epoch: message ids never collide with those of an earlier database.
            epoch = new BsonDocument { ["_id"] = "epoch", ["v"] = Guid.NewGuid().ToString("N")[..12] };
            _state.Insert(epoch);
        }

        Epoch = epoch["v"].AsString;
    }

    public string Epoch { get; }

    public StreamState Load(string id)
    {
        var doc = _state.FindById(id);
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

    public void Save(string id, StreamState state) => _state.Upsert(new BsonDocument
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

    public long LoadValue(string id) => _state.FindById(id)?["v"].AsInt64 ?? 0;

    public void SaveValue(string id, long value) => _state.Upsert(new BsonDocument { ["_id"] = id, ["v"] = value });
}
