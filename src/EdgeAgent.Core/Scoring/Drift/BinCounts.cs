namespace EdgeAgent.Core.Scoring.Drift;

/// <summary>
/// Live counts of one distribution in the reference's bins, over two half-windows: counting goes into the current
/// one; when it is full it becomes the previous one and counting starts afresh. The index is measured over both.
/// </summary>
internal sealed class BinCounts(BinnedDistribution reference)
{
    /// <summary>Share a bin is given when it holds nothing, so that the index stays finite.</summary>
    private const double Floor = 1e-4;

    private long[] _current = new long[reference.Shares.Length];
    private long[] _previous = new long[reference.Shares.Length];

    public BinnedDistribution Reference { get; } = reference;

    public void Add(float value) => _current[BinnedDistribution.BinOf(Reference.Edges, value)]++;

    public void Rotate()
    {
        (_previous, _current) = (_current, _previous);
        Array.Clear(_current);
    }

    /// <summary>Σ (live − expected) · ln(live / expected) over the bins.</summary>
    public double Psi(long total)
    {
        if (total == 0)
        {
            return 0;
        }

        double psi = 0;
        for (var b = 0; b < _current.Length; b++)
        {
            var live = Math.Max((_current[b] + _previous[b]) / (double)total, Floor);
            var expected = Math.Max(Reference.Shares[b], Floor);
            psi += (live - expected) * Math.Log(live / expected);
        }

        return psi;
    }
}
