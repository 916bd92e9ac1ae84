using EdgeAgent.Core.Features;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Records;
using LiteDB;

namespace EdgeAgent.Storage;

/// <summary>
/// The durable record in one LiteDB file, opened once per process in direct mode (LiteDB's shared mode reopens
/// the engine on every operation). A group of outcomes is one transaction: one insert per transaction costs
/// about ten times as much per document as a batch of a hundred. Outcomes are stored under the sequence number
/// the scoring loop gave them (arrival order, which is commit order), the primary key and the only index: the
/// feature state is snapshotted now and then, and at start the outcomes recorded after the snapshot are
/// replayed over it; duplicates are found by sequence number, from an in-memory map. LiteDB does not fsync a commit, so a committed group survives a process crash but not
/// necessarily a power cut; the broker's persistent session redelivers anything not yet acknowledged.
/// </summary>
public sealed class LiteDbOutcomeStore : IOutcomeStore, IOutcomeLog, IDisposable
{
    private const string StateMetaId = "state";

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _outcomes;
    private readonly ILiteCollection<BsonDocument> _deadLetters;
    private readonly ILiteCollection<BsonDocument> _cards;
    private readonly ILiteCollection<BsonDocument> _merchants;
    private readonly ILiteCollection<BsonDocument> _meta;
    private long _lastSequence;

    public LiteDbOutcomeStore(StorageOptions options)
    {
        Directory.CreateDirectory(options.Path);
        _db = new LiteDatabase(new ConnectionString { Filename = options.DatabaseFile, Connection = ConnectionType.Direct });
        _outcomes = _db.GetCollection(Collections.Outcomes);
        _deadLetters = _db.GetCollection(Collections.DeadLetters);
        _cards = _db.GetCollection(Collections.Cards);
        _merchants = _db.GetCollection(Collections.Merchants);
        _meta = _db.GetCollection(Collections.Meta);
        _cards.EnsureIndex("last");
        _lastSequence = Math.Max(
            _outcomes.Query().OrderByDescending("_id").Limit(1).FirstOrDefault()?["last"].AsInt64 ?? 0,
            _deadLetters.Query().OrderByDescending("_id").Limit(1).FirstOrDefault()?["_id"].AsInt64 ?? 0);
    }

    /// <summary>The database, for adapters that keep more collections in the same file.</summary>
    public LiteDatabase Database => _db;

    public long LastSequence => Interlocked.Read(ref _lastSequence);

    public event Action<long>? Committed;

    public byte[]? FindAnswer(long sequence, string deduplicationKey)
    {
        var batch = _outcomes.Query().Where(Query.LTE("_id", sequence)).OrderByDescending("_id").Limit(1).FirstOrDefault();
        return batch is null
            ? null
            : OutcomeDocuments.Outcomes(batch).FirstOrDefault(o => o["seq"].AsInt64 == sequence && o["key"].AsString == deduplicationKey)?["answer"].AsBinary;
    }

    /// <summary>Walks the record backwards by sequence (arrival order) until it reaches <paramref name="since"/>.</summary>
    public IEnumerable<RecordedKey> RecentKeys(DateTimeOffset since) =>
        _outcomes.Query().OrderByDescending("_id").ToEnumerable()
            .SelectMany(batch => OutcomeDocuments.Outcomes(batch).Reverse())
            .Select(o => new RecordedKey(o["key"].AsString, o["seq"].AsInt64, new DateTimeOffset(o["receivedAt"].AsDateTime.ToUniversalTime())))
            .TakeWhile(key => key.ReceivedAt >= since);

    public CardHistorySnapshot? FindCard(string cardToken) =>
        _cards.FindById(cardToken) is { } doc ? StateDocuments.Card(doc) : null;

    public MerchantActivitySnapshot? FindMerchant(string merchantKey) =>
        _merchants.FindById(merchantKey) is { } doc ? StateDocuments.Merchant(doc) : null;

    public void Commit(IReadOnlyList<OutcomeBatch> batches)
    {
        var sequence = _lastSequence;

        // LiteDB transactions belong to the calling thread: nothing between BeginTrans and Commit may await.
        _db.BeginTrans();
        try
        {
            long? snapshotSequence = null;
            var scored = new List<Outcome>();
            foreach (var batch in batches)
            {
                scored.Clear();
                foreach (var outcome in batch.Outcomes)
                {
                    // A duplicate is recognised before scoring and adds nothing to the record.
                    if (outcome.Kind == OutcomeKind.Scored)
                    {
                        scored.Add(outcome);
                    }
                    else if (outcome.Kind == OutcomeKind.Rejected)
                    {
                        _deadLetters.Insert(OutcomeDocuments.DeadLetter(outcome));
                        sequence = Math.Max(sequence, outcome.Sequence);
                    }
                }

                if (scored.Count > 0)
                {
                    _outcomes.Insert(OutcomeDocuments.Batch(scored));
                    sequence = Math.Max(sequence, scored[^1].Sequence);
                }

                if (batch.Snapshot is { } snapshot)
                {
                    WriteSnapshot(snapshot);
                    snapshotSequence = sequence;
                }
            }

            if (snapshotSequence is { } covered)
            {
                // The snapshot holds every payment up to here: the replay at start begins after it.
                _meta.Upsert(new BsonDocument { ["_id"] = StateMetaId, ["seq"] = covered });
            }

            _db.Commit();
        }
        catch
        {
            _db.Rollback();
            throw;
        }

        Interlocked.Exchange(ref _lastSequence, sequence);
        Committed?.Invoke(sequence);
    }

    public IReadOnlyList<RecordedOutcome> ReadAfter(long sequence, int max)
    {
        // Batches are keyed by their first sequence: the one holding sequence + 1 may start at or before it.
        var start = _outcomes.Query().Where(Query.LTE("_id", sequence + 1)).OrderByDescending("_id").Limit(1).FirstOrDefault()?["_id"].AsInt64 ?? sequence + 1;
        var scored = _outcomes.Find(Query.GTE("_id", start))
            .SelectMany(OutcomeDocuments.Outcomes)
            .Where(o => o["seq"].AsInt64 > sequence)
            .Take(max)
            .Select(OutcomeDocuments.Recorded);
        var rejected = _deadLetters.Find(Query.GT("_id", sequence), limit: max).Select(OutcomeDocuments.RecordedRejection);
        return scored.Concat(rejected).OrderBy(o => o.Sequence).Take(max).ToList();
    }

    public int DeleteUpTo(long sequence)
    {
        // Never past the last state snapshot: the outcomes after it are the journal replayed at start.
        var covered = Math.Min(sequence, _meta.FindById(StateMetaId)?["seq"].AsInt64 ?? 0);
        var removed = 0;
        _db.BeginTrans();
        try
        {
            foreach (var batch in _outcomes.Find(Query.LTE("_id", covered)).ToList())
            {
                if (batch["last"].AsInt64 <= covered)
                {
                    removed += batch["o"].AsArray.Count;
                    _outcomes.Delete(batch["_id"]);
                }
            }

            removed += _deadLetters.DeleteMany(Query.LTE("_id", sequence));
            _db.Commit();
        }
        catch
        {
            _db.Rollback();
            throw;
        }

        return removed;
    }

    public StoredFeatureState LoadState(int maxCards)
    {
        var cards = _cards.Query().OrderByDescending("last").Limit(maxCards).ToEnumerable().Select(StateDocuments.Card).ToList();
        var merchants = _merchants.FindAll().Select(StateDocuments.Merchant).ToList();
        var snapshotSequence = _meta.FindById(StateMetaId)?["seq"].AsInt64 ?? 0;
        var journal = _outcomes.Find(Query.GT("_id", snapshotSequence)).SelectMany(OutcomeDocuments.Outcomes).Select(OutcomeDocuments.Update).ToList();
        return new StoredFeatureState(cards, merchants, journal);
    }

    public void Dispose() => _db.Dispose();

    private void WriteSnapshot(FeatureStateChanges snapshot)
    {
        foreach (var card in snapshot.Cards)
        {
            _cards.Upsert(StateDocuments.Card(card));
        }

        foreach (var merchant in snapshot.Merchants)
        {
            _merchants.Upsert(StateDocuments.Merchant(merchant));
        }
    }
}
