using EdgeAgent.Core.Features;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Records;
using EdgeAgent.Storage.Records;
using LiteDB;

namespace EdgeAgent.Storage;

/// <summary>Reading the record back: answers for repeats, the duplicate window and the feature state at start, the log for the cloud.</summary>
public sealed partial class LiteDbOutcomeStore
{
    private const int PageSize = 32;

    public byte[]? FindAnswer(long sequence, string deduplicationKey) =>
        GroupHolding(sequence) is { } group
            ? RecordCodec.Decode(group["d"].AsBinary).FirstOrDefault(r => r.Sequence == sequence && r.Key == deduplicationKey)?.Answer
            : null;

    /// <summary>Walks the log backwards a page of groups at a time, so the window is never held in memory whole.</summary>
    public IEnumerable<RecordedKey> RecentKeys(DateTimeOffset since)
    {
        var before = long.MaxValue;
        while (true)
        {
            var page = PageBefore(before);
            if (page.Count == 0)
            {
                yield break;
            }

            foreach (var (id, records) in page)
            {
                for (var i = records.Count - 1; i >= 0; i--)
                {
                    var record = records[i];
                    if (record.ReceivedAt < since)
                    {
                        yield break;
                    }

                    if (record.Key is { } key)
                    {
                        yield return new RecordedKey(key, record.Sequence, record.ReceivedAt, record.Fingerprint);
                    }
                }

                before = id;
            }
        }
    }

    /// <summary>
    /// The answers of the newest outcomes received after <paramref name="since"/> that went somewhere (their topic, correlation
    /// data and bytes), newest first, at most <paramref name="max"/>: what a restarted embedded broker offers terminals that
    /// resubscribe, in case they missed them in the crash.
    /// </summary>
    public IEnumerable<(string Topic, byte[]? Correlation, byte[] Answer, DateTimeOffset At)> RecentAnswers(DateTimeOffset since, int max)
    {
        var before = long.MaxValue;
        var given = 0;
        while (given < max)
        {
            var page = PageBefore(before);
            if (page.Count == 0)
            {
                yield break;
            }

            foreach (var (id, records) in page)
            {
                for (var i = records.Count - 1; i >= 0 && given < max; i--)
                {
                    var record = records[i];
                    if (record.ReceivedAt < since)
                    {
                        yield break;
                    }

                    if (record.AnswerTopic is { } topic && record.Answer.Length > 0)
                    {
                        given++;
                        yield return (topic, record.AnswerCorrelation, record.Answer, record.ReceivedAt);
                    }
                }

                before = id;
            }
        }
    }

    /// <summary>A page of groups before <paramref name="before"/>, decoded; empty when the file proved broken (and was replaced).</summary>
    private List<(long Id, List<StoredRecord> Records)> PageBefore(long before)
    {
        try
        {
            return _file.Read(db => db.GetCollection(LogCollection).Query()
                .Where(Query.LT("_id", before)).OrderByDescending("_id").Limit(PageSize).ToList()
                .Select(group => (group["_id"].AsInt64, RecordCodec.Decode(group["d"].AsBinary))).ToList());
        }
        catch (Exception ex) when (_file.ReplaceIfCorrupt(ex))
        {
            Interlocked.Exchange(ref _lastSequence, 0);
            return [];
        }
    }

    public CardHistorySnapshot? FindCard(string cardToken) =>
        _file.Read(db => db.GetCollection(CardsCollection).FindById(cardToken)) is { } doc ? StateDocuments.Card(doc) : null;

    public MerchantActivitySnapshot? FindMerchant(string merchantKey) =>
        _file.Read(db => db.GetCollection(MerchantsCollection).FindById(merchantKey)) is { } doc ? StateDocuments.Merchant(doc) : null;

    public IReadOnlyList<RecordedOutcome> ReadAfter(long sequence, int max)
    {
        var result = new List<RecordedOutcome>(Math.Min(max, 1024));
        var from = GroupHolding(sequence + 1)?["_id"].AsInt64 ?? sequence + 1;
        while (result.Count < max)
        {
            var page = _file.Read(db => db.GetCollection(LogCollection).Find(Query.GTE("_id", from), limit: PageSize).ToList());
            if (page.Count == 0)
            {
                break;
            }

            foreach (var group in page)
            {
                foreach (var record in RecordCodec.Decode(group["d"].AsBinary))
                {
                    if (record.Sequence > sequence && result.Count < max)
                    {
                        result.Add(record.ToRecordedOutcome());
                    }
                }

                from = group["_id"].AsInt64 + 1;
            }
        }

        return result;
    }

    public int DeleteUpTo(long sequence)
    {
        // Never past the last state snapshot: the outcomes after it are the journal replayed at start.
        return _file.Write(db =>
        {
            var covered = Math.Min(sequence, db.GetCollection(MetaCollection).FindById(StateMetaId)?["seq"].AsInt64 ?? 0);
            var log = db.GetCollection(LogCollection);
            var removed = 0;
            foreach (var group in log.Find(Query.LTE("_id", covered)).ToList())
            {
                if (group["last"].AsInt64 <= covered)
                {
                    removed += RecordCodec.Decode(group["d"].AsBinary).Count;
                    log.Delete(group["_id"]);
                }
            }

            return removed;
        });
    }

    /// <summary>
    /// The feature state at start: the most recently active cards and merchants of the last snapshot (at most
    /// <paramref name="maxCards"/> and <paramref name="maxMerchants"/>, chosen while streaming, so memory holds no more than
    /// the caps at any time), and the payments recorded after the snapshot. The others are only named, one at a time, to
    /// <paramref name="cardLeft"/> and <paramref name="merchantLeft"/>. A file found broken here is replaced (see
    /// <see cref="Files.LiteDbFile.ReplaceIfCorrupt"/>) and the state starts empty.
    /// </summary>
    public StoredFeatureState LoadState(int maxCards, int maxMerchants = int.MaxValue, Action<string>? cardLeft = null, Action<string>? merchantLeft = null)
    {
        try
        {
            return _file.Read(db => LoadState(db, maxCards, maxMerchants, cardLeft, merchantLeft));
        }
        catch (Exception ex) when (_file.ReplaceIfCorrupt(ex))
        {
            Interlocked.Exchange(ref _lastSequence, 0);
            return StoredFeatureState.Empty;
        }
    }

    private static StoredFeatureState LoadState(LiteDatabase db, int maxCards, int maxMerchants, Action<string>? cardLeft, Action<string>? merchantLeft)
    {
        var (cards, cardsLeft) = Newest(db.GetCollection(CardsCollection).FindAll().Select(StateDocuments.Card), maxCards,
            card => card.LastUnixMs, card => cardLeft?.Invoke(card.CardToken));

        // A merchant's snapshot carries the sequence of its last payment: the most recently paid are kept.
        var (merchants, merchantsLeft) = Newest(db.GetCollection(MerchantsCollection).FindAll().Select(StateDocuments.Merchant), maxMerchants,
            merchant => merchant.Sequence, merchant => merchantLeft?.Invoke(merchant.MerchantKey));
        var covered = db.GetCollection(MetaCollection).FindById(StateMetaId)?["seq"].AsInt64 ?? 0;
        var journal = new List<(long, FeatureUpdate)>();
        var log = db.GetCollection(LogCollection);
        var start = log.Query().Where(Query.LTE("_id", covered + 1)).OrderByDescending("_id").Limit(1).FirstOrDefault()?["_id"].AsInt64
            ?? covered + 1;
        foreach (var group in log.Query().Where(Query.GTE("_id", start)).OrderBy("_id").ToEnumerable())
        {
            foreach (var record in RecordCodec.Decode(group["d"].AsBinary))
            {
                if (record.Sequence > covered && record.Event is { } payment && record.Features is { Length: > 0 })
                {
                    journal.Add((record.Sequence, FeatureUpdate.Of(payment)));
                }
            }
        }

        return new StoredFeatureState(cards, merchants, journal) { CardsLeft = cardsLeft, MerchantsLeft = merchantsLeft };
    }

    /// <summary>The <paramref name="max"/> items of highest <paramref name="recency"/>, streamed through a heap of that size; the others go to <paramref name="left"/>.</summary>
    private static (List<T> Kept, long Left) Newest<T>(IEnumerable<T> items, int max, Func<T, long> recency, Action<T> left)
    {
        var newest = new PriorityQueue<T, long>();
        long leftCount = 0;
        foreach (var item in items)
        {
            newest.Enqueue(item, recency(item));
            if (newest.Count > max)
            {
                left(newest.Dequeue());
                leftCount++;
            }
        }

        var kept = new List<T>(newest.Count);
        while (newest.TryDequeue(out var item, out _))
        {
            kept.Add(item);
        }

        return (kept, leftCount);
    }

    /// <summary>The group document whose range holds <paramref name="sequence"/> (the last one starting at or before it).</summary>
    private BsonDocument? GroupHolding(long sequence) =>
        _file.Read(db => db.GetCollection(LogCollection).Query()
            .Where(Query.LTE("_id", sequence)).OrderByDescending("_id").Limit(1).FirstOrDefault());
}
