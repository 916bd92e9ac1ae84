using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Onnx;

/// <summary>
/// Holds the active scorer and lends it out one batch at a time. <see cref="Swap"/> makes a new scorer active for
/// the next batch; the old one is disposed when the batch that still uses it returns its lease, so a swap never
/// interrupts or repeats a payment.
/// </summary>
public sealed class ModelHolder : IScorerSource, IDisposable
{
    private readonly Lock _lock = new();
    private Entry _current;

    public ModelHolder(OnnxScorer scorer)
    {
        _current = new Entry(this, scorer);
    }

    /// <summary>The scorer new batches get.</summary>
    public OnnxScorer Current
    {
        get
        {
            lock (_lock)
            {
                return _current.Scorer;
            }
        }
    }

    public IScorerLease Rent()
    {
        lock (_lock)
        {
            _current.Leases++;
            return new Lease(_current);
        }
    }

    /// <summary>Makes <paramref name="next"/> active; returns the scorer it replaced (disposed by the holder once idle).</summary>
    public OnnxScorer Swap(OnnxScorer next)
    {
        lock (_lock)
        {
            var old = _current;
            _current = new Entry(this, next);
            old.Retired = true;
            if (old.Leases == 0)
            {
                old.Scorer.Dispose();
            }

            return old.Scorer;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _current.Retired = true;
            if (_current.Leases == 0)
            {
                _current.Scorer.Dispose();
            }
        }
    }

    private void Return(Entry entry)
    {
        lock (_lock)
        {
            entry.Leases--;
            if (entry.Retired && entry.Leases == 0)
            {
                entry.Scorer.Dispose();
            }
        }
    }

    private sealed class Entry(ModelHolder holder, OnnxScorer scorer)
    {
        public ModelHolder Holder { get; } = holder;

        public OnnxScorer Scorer { get; } = scorer;

        public int Leases { get; set; }

        public bool Retired { get; set; }
    }

    private sealed class Lease(Entry entry) : IScorerLease
    {
        private Entry? _entry = entry;

        public Core.Scoring.IScorer Scorer => _entry?.Scorer ?? throw new ObjectDisposedException(nameof(Lease));

        public void Dispose()
        {
            if (_entry is { } entry)
            {
                _entry = null;
                entry.Holder.Return(entry);
            }
        }
    }
}
