using System.Collections.Concurrent;

namespace EdgeAgent.Core.Features;

/// <summary>
/// The in-memory state of one kind of entity (cards, merchants), bounded: least recently used first out, one linked-list
/// move per use. Each entity knows the last payment its persisted snapshot holds and, when it changed since, when and from
/// which payment on; changed entities wait in arrival order to be snapshotted a few at a time. An entity leaves memory
/// only once its latest state is persisted; a compact filter then remembers that the store has it, so a payment of a card
/// never seen before costs no store read. One writer (the scoring loop); <see cref="Contains"/>, <see cref="MayBeStored"/>
/// and <see cref="EvictionMark"/> are safe from any thread (intake prefetches with them).
/// </summary>
internal sealed class KeyedState<T>(int maxInMemory, Func<T> create)
    where T : class
{
    private const int RecentEvictionsKept = 65_536;

    private readonly ConcurrentDictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly Queue<Node> _dirty = new();
    private readonly StoredKeyFilter _stored = new();
    private readonly Dictionary<string, long> _recentEvictions = new(StringComparer.Ordinal);
    private readonly Queue<string> _recentEvictionOrder = new();
    private Node? _newest;
    private Node? _oldest;
    private long _evictions;

    public int Count => _nodes.Count;

    /// <summary>Entities that left memory (their state is in the store).</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>A mark to take before prefetching: <see cref="IsFresh"/> tells later whether what was read is still the latest.</summary>
    public long EvictionMark => Interlocked.Read(ref _evictions);

    public bool Contains(string key) => _nodes.ContainsKey(key);

    /// <summary>False when the store surely holds no state for the key; true when it may.</summary>
    public bool MayBeStored(string key) => _stored.MayContain(key);

    public bool TryGet(string key, out T value)
    {
        if (_nodes.TryGetValue(key, out var node))
        {
            Touch(node);
            value = node.Value;
            return true;
        }

        value = null!;
        return false;
    }

    /// <summary>
    /// True when a state read from the store after <paramref name="mark"/> is still the latest: the entity was not evicted
    /// again (with newer state) in between. When too many evictions happened to tell, false.
    /// </summary>
    public bool IsFresh(string key, long mark)
    {
        if (Evictions - mark > RecentEvictionsKept)
        {
            return false;
        }

        return !_recentEvictions.TryGetValue(key, out var at) || at <= mark;
    }

    /// <summary>Adds an entity (new, or loaded from the store) as the most recently used.</summary>
    public T Add(string key, T value, long snapshotSequence)
    {
        var node = new Node(key, value) { SnapshotSequence = snapshotSequence };
        _nodes[key] = node;
        Link(node);
        return value;
    }

    public T AddNew(string key) => Add(key, create(), 0);

    /// <summary>Moves an entity to another key (a card's history found under its previous-key token).</summary>
    public bool Rekey(string from, string to)
    {
        if (!_nodes.TryRemove(from, out var node))
        {
            return false;
        }

        Unlink(node);
        var moved = new Node(to, node.Value) { SnapshotSequence = 0 };
        _nodes[to] = moved;
        Link(moved);
        return true;
    }

    /// <summary>The store holds these keys' state though they are not in memory (at start: the cards not loaded).</summary>
    public void RememberStored(string key) => _stored.Add(key);

    /// <summary>True when the entity's snapshot already holds the payment numbered <paramref name="sequence"/> (replay skips it).</summary>
    public bool Covers(string key, long sequence) => _nodes.TryGetValue(key, out var node) && node.SnapshotSequence >= sequence;

    /// <summary>The entity changed with payment <paramref name="sequence"/>, at <paramref name="ticks"/> of the caller's clock.</summary>
    public void MarkChanged(string key, long sequence, long ticks)
    {
        if (!_nodes.TryGetValue(key, out var node))
        {
            return;
        }

        node.LastSequence = Math.Max(node.LastSequence, sequence);
        if (!node.Dirty)
        {
            node.Dirty = true;
            node.DirtySince = sequence;
            node.DirtyAtTicks = ticks;
            _dirty.Enqueue(node);
        }
    }

    /// <summary>The first payment not yet in any snapshot, or null when every change is persisted.</summary>
    public long? OldestUnsnapshotted()
    {
        while (_dirty.TryPeek(out var node) && !node.Dirty)
        {
            _dirty.Dequeue();
        }

        return _dirty.TryPeek(out var oldest) ? oldest.DirtySince : null;
    }

    /// <summary>
    /// Takes up to <paramref name="budget"/> changed entities, oldest change first, among those changed at or before
    /// <paramref name="dueTicks"/> (all, with <see cref="long.MaxValue"/>): they are snapshotted now and clean after.
    /// </summary>
    public void TakeDirty(long dueTicks, int budget, List<(string Key, T Value, long Sequence)> into)
    {
        while (budget > 0 && _dirty.TryPeek(out var node))
        {
            if (!node.Dirty || !_nodes.ContainsKey(node.Key))
            {
                _dirty.Dequeue();
                continue;
            }

            if (node.DirtyAtTicks > dueTicks)
            {
                break;
            }

            _dirty.Dequeue();
            into.Add((node.Key, node.Value, node.LastSequence));
            node.Dirty = false;
            node.SnapshotSequence = node.LastSequence;
            budget--;
        }
    }

    /// <summary>
    /// Evicts the least recently used entities over the cap, at most <paramref name="budget"/>: a clean one goes at once,
    /// a changed one is snapshotted into <paramref name="snapshots"/> first. Returns how many left.
    /// </summary>
    public int EvictOverCap(int budget, List<(string Key, T Value, long Sequence)> snapshots)
    {
        var evicted = 0;
        while (evicted < budget && _nodes.Count > maxInMemory && _oldest is { } node)
        {
            if (node.Dirty)
            {
                snapshots.Add((node.Key, node.Value, node.LastSequence));
                node.Dirty = false;
                node.SnapshotSequence = node.LastSequence;
            }

            Unlink(node);
            _nodes.TryRemove(node.Key, out _);
            _stored.Add(node.Key);
            var index = Interlocked.Increment(ref _evictions);
            _recentEvictions[node.Key] = index;
            _recentEvictionOrder.Enqueue(node.Key);
            while (_recentEvictionOrder.Count > RecentEvictionsKept)
            {
                var old = _recentEvictionOrder.Dequeue();
                if (_recentEvictions.TryGetValue(old, out var at) && at <= index - RecentEvictionsKept)
                {
                    _recentEvictions.Remove(old);
                }
            }

            evicted++;
        }

        return evicted;
    }

    private void Touch(Node node)
    {
        if (!ReferenceEquals(node, _newest))
        {
            Unlink(node);
            Link(node);
        }
    }

    private void Link(Node node)
    {
        node.Older = _newest;
        node.Newer = null;
        if (_newest is not null)
        {
            _newest.Newer = node;
        }

        _newest = node;
        _oldest ??= node;
    }

    private void Unlink(Node node)
    {
        if (node.Newer is not null)
        {
            node.Newer.Older = node.Older;
        }
        else
        {
            _newest = node.Older;
        }

        if (node.Older is not null)
        {
            node.Older.Newer = node.Newer;
        }
        else
        {
            _oldest = node.Newer;
        }

        node.Newer = node.Older = null;
    }

    private sealed class Node(string key, T value)
    {
        public string Key { get; } = key;

        public T Value { get; } = value;

        public Node? Newer { get; set; }

        public Node? Older { get; set; }

        public long SnapshotSequence { get; set; }

        public long LastSequence { get; set; }

        public bool Dirty { get; set; }

        public long DirtySince { get; set; }

        public long DirtyAtTicks { get; set; }
    }
}
