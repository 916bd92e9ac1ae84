using System.Buffers;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Records;
using EdgeAgent.Storage.Files;
using EdgeAgent.Storage.Records;
using LiteDB;

namespace EdgeAgent.Storage;

/// <summary>
/// The durable record in the agent's LiteDB file. The record is a log: each commit inserts one document holding its group
/// of outcomes as compact binary (<see cref="RecordCodec"/>), keyed by the group's first sequence number, which is the only
/// index. The feature state is snapshotted now and then (cards and merchants, one document each) and at start the outcomes
/// recorded after the snapshot are replayed over it; duplicates are found from an in-memory map and read back here by
/// sequence number. A commit returns only once it is on the device (<see cref="LiteDbFile.Flush"/>), and is idempotent by
/// sequence: retried after a failed write or flush, it writes the same group again under the same id (never a second
/// document) and flushes that.
/// </summary>
public sealed partial class LiteDbOutcomeStore : IOutcomeStore, IOutcomeLog, IDisposable
{
    internal const string LogCollection = "log";
    private const string CardsCollection = "cards";
    private const string MerchantsCollection = "merchants";
    private const string MetaCollection = "meta";
    private const string StateMetaId = "state";

    private readonly LiteDbFile _file;
    private readonly ArrayBufferWriter<byte> _encoded = new(64 * 1024);

    /// <summary>The group's document, filled anew by each commit (the record loop commits one group at a time).</summary>
    private readonly BsonDocument _groupDocument = new();

    /// <summary>The commit's write, made once: a commit allocates no delegate or closure for it.</summary>
    private readonly Func<LiteDatabase, int> _writeGroup;
    private long _lastSequence;

    /// <summary>The group the current commit writes (<see cref="WriteGroup"/>); set only for the duration of the commit.</summary>
    private (IReadOnlyList<ScoredBatch> Batches, long First, long Last) _group;

    /// <summary>The log collection of the database instance it came from, so a commit does not make a new one (a reopen does).</summary>
    private (LiteDatabase? Database, ILiteCollection<BsonDocument>? Collection) _log;

    /// <summary>
    /// A commit failed after it may have reached the database (its write or its flush failed): the next commit writes its
    /// group document over whatever is there under the same id, instead of inserting it, and flushes that new write.
    /// </summary>
    private bool _rewrite;

    /// <param name="file">The database file.</param>
    public LiteDbOutcomeStore(LiteDbFile file)
    {
        _file = file;
        _writeGroup = WriteGroup;
        _lastSequence = file.Read(db => LastOnRecord(db.GetCollection(LogCollection).Query().OrderByDescending("_id").Limit(1).FirstOrDefault()));
    }

    public long LastSequence => Interlocked.Read(ref _lastSequence);

    public event Action<long>? Committed;

    public void Commit(IReadOnlyList<ScoredBatch> batches)
    {
        _file.EnsureSpace();
        _encoded.ResetWrittenCount();
        var committed = LastSequence;
        long first = 0, last = 0;
        for (var i = 0; i < batches.Count; i++)
        {
            var (batchFirst, batchLast) = Append(batches[i]);
            if (batchLast > 0 && batchLast <= committed)
            {
                // Already in: a retry after a failed flush. Nothing of it is inserted again.
                continue;
            }

            first = first == 0 ? batchFirst : first;
            last = Math.Max(last, batchLast);
        }

        try
        {
            _group = (batches, first, last);
            _file.Write(_writeGroup);
        }
        catch (IOException ex)
        {
            _rewrite = true;
            throw _file.Unavailable(ex);
        }
        finally
        {
            _group = default;
        }

        // Acknowledged means on the device: flushed before the record loop acknowledges anything of this group. A failed
        // flush leaves the group inserted but perhaps not on the device: the retry of the same group rewrites it (same id,
        // same bytes: never a second document) and flushes the rewrite, rather than trusting a second fdatasync.
        try
        {
            _file.Flush();
        }
        catch (StoreUnavailableException)
        {
            _rewrite = true;
            throw;
        }

        _rewrite = false;
        if (last > committed)
        {
            Interlocked.Exchange(ref _lastSequence, last);
            Committed?.Invoke(last);
        }
    }

    public void Dispose() => _file.Dispose();

    /// <summary>
    /// The last sequence of the newest group. Its claimed range is checked against its records: a group written by an
    /// older agent from a forged journal entry may claim a last sequence near <see cref="long.MaxValue"/>, and numbering
    /// after it would wrap. Then the records' own last sequence counts.
    /// </summary>
    private static long LastOnRecord(BsonDocument? group)
    {
        if (group is null)
        {
            return 0;
        }

        var first = group["_id"].AsInt64;
        var last = group["last"].AsInt64;
        var bytes = group["d"].AsBinary ?? [];
        if (first > 0 && last >= first && last - first < bytes.Length)
        {
            return last;
        }

        try
        {
            var records = RecordCodec.Decode(bytes);
            return records.Count > 0 && records[^1].Sequence >= first && records[^1].Sequence - first < records.Count ? records[^1].Sequence : first;
        }
        catch (Exception)
        {
            return first;
        }
    }

    /// <summary>Appends the batch's records to the group's bytes (encoded once, by the journal when it had them); returns its range.</summary>
    private (long First, long Last) Append(ScoredBatch batch)
    {
        if (!batch.Journaled.IsEmpty)
        {
            var span = batch.Journaled.Span;
            var (first, last) = RecordCodec.Range(batch);
            if (last > LastSequence)
            {
                span.CopyTo(_encoded.GetSpan(span.Length));
                _encoded.Advance(span.Length);
            }

            return (first, last);
        }

        var start = _encoded.WrittenCount;
        var range = RecordCodec.Encode(batch, _encoded);
        if (range.Last > 0 && range.Last <= LastSequence)
        {
            // Already committed (a retry): take the bytes back out of this group.
            var kept = _encoded.WrittenSpan[..start].ToArray();
            _encoded.ResetWrittenCount();
            kept.CopyTo(_encoded.GetSpan(kept.Length));
            _encoded.Advance(kept.Length);
        }

        return range;
    }

    /// <summary>The group in one LiteDB transaction: its log document and, when one is due, the feature state's snapshot.</summary>
    private int WriteGroup(LiteDatabase db)
    {
        // LiteDB transactions belong to the calling thread: nothing between BeginTrans and Commit may await.
        db.BeginTrans();
        try
        {
            Write(db, _group.Batches, _group.First, _group.Last);
            db.Commit();
        }
        catch
        {
            db.Rollback();
            throw;
        }

        return 0;
    }

    private ILiteCollection<BsonDocument> Log(LiteDatabase db)
    {
        if (!ReferenceEquals(_log.Database, db))
        {
            _log = (db, db.GetCollection(LogCollection));
        }

        return _log.Collection!;
    }

    private void Write(LiteDatabase db, IReadOnlyList<ScoredBatch> batches, long first, long last)
    {
        if (last > 0)
        {
            // One document object for every group: LiteDB serializes it into its pages and keeps no reference to it.
            var group = _groupDocument;
            group["_id"] = first;
            group["last"] = last;
            group["d"] = _encoded.WrittenSpan.ToArray();
            try
            {
                if (_rewrite)
                {
                    Log(db).Upsert(group);
                }
                else
                {
                    Log(db).Insert(group);
                }
            }
            finally
            {
                // The group's bytes are not kept alive until the next commit.
                group["d"] = BsonValue.Null;
            }
        }

        long? snapshotSequence = null;
        for (var i = 0; i < batches.Count; i++)
        {
            if (batches[i].Snapshot is not { } snapshot)
            {
                continue;
            }

            // Most groups carry no snapshot: the state's collections are opened only for one that does.
            var cards = db.GetCollection(CardsCollection);
            var merchants = db.GetCollection(MerchantsCollection);

            foreach (var card in snapshot.Cards)
            {
                cards.Upsert(StateDocuments.Card(card));
            }

            foreach (var merchant in snapshot.Merchants)
            {
                merchants.Upsert(StateDocuments.Merchant(merchant));
            }

            // Every payment up to here is in a snapshot: a start replays only those after it.
            snapshotSequence = Math.Max(snapshotSequence ?? 0, snapshot.CoveredThrough);
        }

        if (snapshotSequence is { } upTo)
        {
            db.GetCollection(MetaCollection).Upsert(new BsonDocument { ["_id"] = StateMetaId, ["seq"] = upTo });
        }
    }
}
