using System.Collections.Frozen;

namespace EdgeAgent.Core.Features;

/// <summary>
/// The merchant category codes the models know, each with a small index. Terminals send codes outside
/// this table all the time; they get index 0 ("unknown") rather than an error.
/// </summary>
public static class MerchantCategories
{
    private static readonly FrozenDictionary<string, int> Indexes = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["5541"] = 1, // service stations
        ["5411"] = 2, // grocery stores, supermarkets
        ["5311"] = 3, // department stores
        ["5999"] = 4, // miscellaneous retail
        ["5812"] = 5, // restaurants
        ["7832"] = 6, // cinemas
        ["7997"] = 7, // clubs, fitness
        ["5200"] = 8, // home supply
        ["5995"] = 9, // pet shops
        ["7230"] = 10, // beauty and barber shops
        ["4722"] = 11, // travel agencies
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Number of distinct indexes, unknown included (for embeddings).</summary>
    public const int IndexCount = 12;

    /// <summary>Index of a code; 0 when the code is unknown.</summary>
    public static int IndexOf(string mcc) => Indexes.GetValueOrDefault(mcc);
}
