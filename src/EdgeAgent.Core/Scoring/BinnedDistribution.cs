namespace EdgeAgent.Core.Scoring;

/// <summary>
/// A distribution in bins: <see cref="Edges"/> e₀ &lt; e₁ &lt; … &lt; eₖ₋₁ make k + 1 bins, bin 0 below e₀, bin j
/// from eⱼ₋₁ (included) to eⱼ, the last from eₖ₋₁ up; <see cref="Shares"/> holds each bin's share of the rows.
/// </summary>
public sealed class BinnedDistribution
{
    /// <summary>The k bin edges, ascending.</summary>
    public required float[] Edges { get; init; }

    /// <summary>One share per bin (<c>Edges.Length + 1</c>), summing to 1.</summary>
    public required double[] Shares { get; init; }

    /// <summary>The bin of <paramref name="value"/>: how many edges are at or below it (NaN goes to bin 0).</summary>
    public static int BinOf(ReadOnlySpan<float> edges, float value)
    {
        int low = 0, high = edges.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (edges[mid] <= value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
