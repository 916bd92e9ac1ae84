using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Which payments were already answered, for the scoring loop alone, entirely in memory. Two layers: the answers of the
/// most recent payments (they cover every payment still on its way to the store, so a retry that overtakes the first
/// commit gets the same bytes), and, for every payment within the deduplication window, a compact entry (64-bit hash of
/// its key, its sequence number, its fingerprint): a repeat found only there has its answer read from the store by
/// primary key, off the scoring loop. Both layers are bounded; what a cap pushes out is counted, never silently lost.
/// </summary>
internal sealed class DuplicateIndex(int recentAnswers, int maxKeys, TimeSpan window)
{
    // Sized for the cap at once: it fills within seconds under load, and growing it on the way rehashes every entry.
    private readonly Dictionary<long, Recent> _recent = new(recentAnswers + 1);
    private readonly Queue<(long Hash, long Sequence)> _recentOrder = new(recentAnswers + 1);
    private readonly Dictionary<long, Entry> _window = [];
    private readonly Queue<(long ReceivedMs, long Hash, long Sequence)> _windowOrder = new();
    private readonly long _windowMs = (long)window.TotalMilliseconds;

    /// <summary>Payments within the window.</summary>
    public int Count => _window.Count;

    /// <summary>Payments pushed out of the window by the cap before their time: a repeat of one would be scored as new.</summary>
    public long Evicted { get; private set; }

    /// <summary>Loads the payments on record within the window, given newest first, at start; stops at the cap.</summary>
    public void Preload(IEnumerable<RecordedKey> newestFirst)
    {
        var loaded = new List<RecordedKey>();
        foreach (var key in newestFirst)
        {
            if (loaded.Count >= maxKeys)
            {
                break;
            }

            loaded.Add(key);
        }

        // The window queue wants them oldest first.
        for (var i = loaded.Count - 1; i >= 0; i--)
        {
            var key = loaded[i];
            Add(PaymentFingerprint.OfText(key.Key), key.Sequence, key.Fingerprint, key.ReceivedAt.ToUnixTimeMilliseconds());
        }
    }

    /// <summary>What is known of the payment with this key.</summary>
    public Lookup Find(string key, long hash)
    {
        if (_recent.TryGetValue(hash, out var recent) && recent.Key == key)
        {
            return new Lookup(LookupKind.Recent, recent.Sequence, recent.Fingerprint, recent.Answer);
        }

        return _window.TryGetValue(hash, out var entry)
            ? new Lookup(LookupKind.Stored, entry.Sequence, entry.Fingerprint, default)
            : default;
    }

    /// <summary>Records a payment just answered, under the sequence number its outcome will be stored with.</summary>
    public void Add(string key, long hash, long sequence, long fingerprint, DateTimeOffset receivedAt, ReadOnlyMemory<byte> answer)
    {
        Remember(key, hash, sequence, fingerprint, answer);
        Add(hash, sequence, fingerprint, receivedAt.ToUnixTimeMilliseconds());
    }

    /// <summary>Keeps an answer in memory (just written, or read back from the store) so further repeats need no read.</summary>
    public void Remember(string key, long hash, long sequence, long fingerprint, ReadOnlyMemory<byte> answer)
    {
        _recent[hash] = new Recent(key, sequence, fingerprint, answer);
        _recentOrder.Enqueue((hash, sequence));
        while (_recentOrder.Count > recentAnswers)
        {
            var (old, oldSequence) = _recentOrder.Dequeue();
            if (_recent.TryGetValue(old, out var r) && r.Sequence == oldSequence)
            {
                _recent.Remove(old);
            }
        }
    }

    private void Add(long hash, long sequence, long fingerprint, long receivedMs)
    {
        _window[hash] = new Entry(sequence, fingerprint);
        _windowOrder.Enqueue((receivedMs, hash, sequence));
        var oldest = receivedMs - _windowMs;
        while (_windowOrder.TryPeek(out var first) && (first.ReceivedMs < oldest || _windowOrder.Count > maxKeys))
        {
            _windowOrder.Dequeue();
            if (first.ReceivedMs >= oldest)
            {
                Evicted++;
            }

            // Only the entry this position put there: a hash added again later keeps its newer entry.
            if (_window.TryGetValue(first.Hash, out var stored) && stored.Sequence == first.Sequence)
            {
                _window.Remove(first.Hash);
            }
        }
    }

    private readonly record struct Recent(string Key, long Sequence, long Fingerprint, ReadOnlyMemory<byte> Answer);

    private readonly record struct Entry(long Sequence, long Fingerprint);
}

/// <summary>Where a repeat's first answer is.</summary>
internal enum LookupKind
{
    /// <summary>Not seen within the window.</summary>
    None = 0,

    /// <summary>In memory, with its answer.</summary>
    Recent,

    /// <summary>In the store, under <see cref="Lookup.Sequence"/>.</summary>
    Stored,
}

/// <summary>The result of <see cref="DuplicateIndex.Find"/>.</summary>
internal readonly record struct Lookup(LookupKind Kind, long Sequence, long Fingerprint, ReadOnlyMemory<byte> Answer);
