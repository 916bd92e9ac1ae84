namespace EdgeAgent.Core.Features;

/// <summary>
/// A Bloom filter of the keys whose state the store holds while memory does not: 2^25 bits (4 MB), three probes. It
/// answers "surely not stored" for a card never seen, so such a payment costs no store read; "maybe" leads to one. With a
/// million keys one probe in two thousand is a false maybe; with ten million, one in five. Written by one thread, read by
/// any (bits are only ever set, with an atomic OR). The bits are allocated with the first key: most stores never evict and
/// hold fewer keys than memory does, and two idle filters (cards, merchants) would be 8 MB of the working set.
/// </summary>
internal sealed class StoredKeyFilter
{
    private const int Bits = 1 << 25;
    private long[]? _words;

    public void Add(string key)
    {
        var words = _words;
        if (words is null)
        {
            words = new long[Bits / 64];
            Volatile.Write(ref _words, words);
        }

        var (a, b) = Hashes(key);
        for (var i = 0; i < 3; i++)
        {
            var bit = (uint)(a + (i * b)) % Bits;
            Interlocked.Or(ref words[bit >> 6], 1L << (int)(bit & 63));
        }
    }

    public bool MayContain(string key)
    {
        var words = Volatile.Read(ref _words);
        if (words is null)
        {
            return false;
        }

        var (a, b) = Hashes(key);
        for (var i = 0; i < 3; i++)
        {
            var bit = (uint)(a + (i * b)) % Bits;
            if ((Volatile.Read(ref words[bit >> 6]) & (1L << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Two independent 32-bit halves of a 64-bit FNV-1a: enough for double hashing.</summary>
    private static (uint A, uint B) Hashes(string key)
    {
        var hash = (ulong)StableHash.Of64(key);
        return ((uint)hash, (uint)(hash >> 32) | 1);
    }
}
