namespace EdgeAgent.Core.Features;

/// <summary>
/// FNV-1a over UTF-16 code units, the one written in this code base. <see cref="string.GetHashCode()"/> is randomized
/// per process, so it cannot key state that is persisted, replayed or shared between training and the agent.
/// </summary>
public static class StableHash
{
    /// <summary>The 64-bit FNV-1a offset basis: the hash of nothing, where <see cref="Append(ulong, ReadOnlySpan{char})"/> starts.</summary>
    public const ulong Offset64 = 14695981039346656037UL;

    private const ulong Prime64 = 1099511628211UL;

    /// <summary>32-bit FNV-1a of <paramref name="value"/>.</summary>
    public static int Of(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return unchecked((int)hash);
    }

    /// <summary>64-bit FNV-1a, for index keys that stand in for long strings.</summary>
    public static long Of64(string value) => unchecked((long)Append(Offset64, value));

    /// <summary>Folds <paramref name="units"/> into a running 64-bit FNV-1a hash.</summary>
    public static ulong Append(ulong hash, ReadOnlySpan<char> units)
    {
        foreach (var c in units)
        {
            hash = (hash ^ c) * Prime64;
        }

        return hash;
    }

    /// <summary>Folds one unit (a code unit, or one byte of a number) into a running 64-bit FNV-1a hash.</summary>
    public static ulong Append(ulong hash, uint unit) => (hash ^ unit) * Prime64;
}
