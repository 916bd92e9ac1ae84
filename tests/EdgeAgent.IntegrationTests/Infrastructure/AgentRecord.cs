using LiteDB;

namespace EdgeAgent.IntegrationTests.Infrastructure;

/// <summary>Reads an agent's LiteDB record after the agent has stopped (the agent holds the file while it runs).</summary>
internal sealed class AgentRecord : IDisposable
{
    private readonly LiteDatabase _db;

    public AgentRecord(string dataPath)
    {
        _db = new LiteDatabase(new ConnectionString { Filename = Path.Combine(dataPath, "edgeagent.db"), Connection = ConnectionType.Direct });
    }

    /// <summary>Every scored payment, flattened out of the per-batch documents, in sequence order.</summary>
    public List<BsonDocument> Outcomes => _db.GetCollection("outcomes").FindAll().SelectMany(b => b["o"].AsArray.Select(o => o.AsDocument)).ToList();

    public List<BsonDocument> DeadLetters => _db.GetCollection("deadletters").FindAll().ToList();

    public List<BsonDocument> Cards => _db.GetCollection("cards").FindAll().ToList();

    public BsonDocument? Outcome(string transactionId) => Outcomes.SingleOrDefault(o => o["txId"].AsString == transactionId);

    public static float[] Features(BsonDocument outcome) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(outcome["features"].AsBinary).ToArray();

    /// <summary>Payments a card's persisted history holds (its last seven days).</summary>
    public static int CardPayments(BsonDocument card) => card["rt"].AsBinary.Length / sizeof(long);

    public void Dispose() => _db.Dispose();
}
