using EdgeAgent.Core.Features;

namespace EdgeAgent.Training.Layouts;

/// <summary>
/// Deterministic draws for the layouts and the card split: a SplitMix64 finalizer over a seed and a key, so a
/// merchant or a row gets the same draw on every run and every machine, independent of the order rows come in.
/// </summary>
public static class SeededHash
{
    /// <summary>A 64-bit hash of <paramref name="key"/> under <paramref name="seed"/>.</summary>
    public static ulong Of(int seed, string key)
    {
        return Mix(StableHash.Append(StableHash.Offset64 ^ (ulong)(uint)seed, key));
    }

    /// <summary>A 64-bit hash of <paramref name="key"/> under <paramref name="seed"/>.</summary>
    public static ulong Of(int seed, long key) => Mix(((ulong)(uint)seed << 32) ^ (ulong)key ^ 0x9E3779B97F4A7C15UL);

    /// <summary>A draw in [0, 1).</summary>
    public static double Unit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    /// <summary>A draw in [0, <paramref name="n"/>).</summary>
    public static int Below(ulong hash, int n) => (int)(hash % (ulong)n);

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
