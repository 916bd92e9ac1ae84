using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Which payments were already scored, for the scoring loop alone. Two layers: the answers of the most recent
/// payments, in memory (they cover every payment still on its way to the store, so a retry that overtakes the
/// first commit is recognised), and, for every payment within the deduplication window, the 64-bit hash of its
/// key and its sequence number in the store, where the first answer is then read by primary key. No secondary
/// index in the store is needed, which keeps every insert cheap; the window bounds the memory.
/// </summary>
internal sealed class DuplicateIndex(IOutcomeStore store, int recentAnswers, TimeSpan window)
{
    private readonly Dictionary<string, AnswerSlot> _recent = new(StringComparer.Ordinal);
    private readonly Queue<string> _recentOrder = new();
    private readonly Dictionary<long, long> _sequences = [];
    private readonly Queue<(long ReceivedMs, long Hash)> _sequenceOrder = new();

    /// <summary>Payments within the window.</summary>
    public int Count => _sequences.Count;

    /// <summary>Loads the payments on record within the window, at start.</summary>
    public void Preload(IEnumerable<RecordedKey> keys)
    {
        foreach (var key in keys.OrderBy(k => k.Sequence))
        {
            Add(key.Key, key.Sequence, key.ReceivedAt);
        }
    }

    public AnswerSlot? Find(string key)
    {
        if (_recent.TryGetValue(key, out var slot))
        {
            return slot;
        }

        if (_sequences.TryGetValue(StableHash.Of64(key), out var sequence) && store.FindAnswer(sequence, key) is { } answer)
        {
            slot = new AnswerSlot(answer);
            Remember(key, slot);
            return slot;
        }

        return null;
    }

    /// <summary>Records a payment just scored, under the sequence number its outcome will be stored with.</summary>
    public void Add(string key, long sequence, DateTimeOffset receivedAt, AnswerSlot slot)
    {
        Remember(key, slot);
        Add(key, sequence, receivedAt);
    }

    private void Add(string key, long sequence, DateTimeOffset receivedAt)
    {
        var hash = StableHash.Of64(key);
        _sequences[hash] = sequence;
        var receivedMs = receivedAt.ToUnixTimeMilliseconds();
        _sequenceOrder.Enqueue((receivedMs, hash));
        var oldest = receivedMs - (long)window.TotalMilliseconds;
        while (_sequenceOrder.TryPeek(out var entry) && entry.ReceivedMs < oldest)
        {
            _sequenceOrder.Dequeue();
            if (_sequences.TryGetValue(entry.Hash, out var stored) && stored <= sequence)
            {
                _sequences.Remove(entry.Hash);
            }
        }
    }

    private void Remember(string key, AnswerSlot slot)
    {
        _recent[key] = slot;
        _recentOrder.Enqueue(key);
        while (_recentOrder.Count > recentAnswers)
        {
            _recent.Remove(_recentOrder.Dequeue());
        }
    }
}
