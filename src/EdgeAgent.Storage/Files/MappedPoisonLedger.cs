using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Storage.Files;

/// <summary>
/// The poison ledger (<see cref="IPoisonLedger"/>) in a small memory-mapped file: a table of slots, one per message being
/// handled (its hash, written when a pass over its bytes starts, cleared when it ends), and a table of suspects with their
/// crash counts. What the slots still hold when the process starts again was in the crash: each of those hashes counts
/// one more crash. Suspects that did not come back within a day are forgotten.
/// <para>
/// A message's hash covers its payload, card number included, and the file is written back to disk by the kernel. So the
/// hash is an HMAC-SHA256 (truncated to 64 bits) under a random key kept at the end of the file, made when the file is
/// made: without the key, a hash cannot be recomputed from guessed card numbers (PCI DSS 3.5.1.1). A file without a
/// key (an older agent's, unkeyed) has its slots and suspects wiped and gets one.
/// </para>
/// </summary>
public sealed class MappedPoisonLedger : IPoisonLedger, IDisposable
{
    private const int Slots = 4096;
    private const int SlotBytes = 16;
    private const int Suspects = 1024;
    private const int SuspectBytes = 24;
    private const long SuspectsAt = Slots * SlotBytes;
    private const long KeyAt = SuspectsAt + (Suspects * SuspectBytes);
    private const ulong KeyMagic = 0x3259454B5245444C; // "LDREKEY2"
    private const int KeyBytes = 32;
    private static readonly TimeSpan Forget = TimeSpan.FromDays(1);

    private readonly MappedFile _file;
    private readonly TimeProvider _time;
    private readonly int[] _taken = new int[Slots];
    private readonly ConcurrentDictionary<long, (int Crashes, long LastMs)> _suspects = new();
    private readonly object _tableLock = new();
    private readonly ThreadLocal<IncrementalHash> _hmac;
    private int _next;

    public MappedPoisonLedger(string path, TimeProvider time)
    {
        _time = time;
        _file = new MappedFile(path, KeyAt + 8 + KeyBytes);
        var key = LoadOrMakeKey();
        _hmac = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key), trackAllValues: true);
        LoadAndCount();
    }

    /// <summary>Messages the last run left in its slots: they were being handled when it died.</summary>
    public int InLastCrash { get; private set; }

    /// <summary>Messages with at least one crash against them.</summary>
    public int SuspectCount => _suspects.Count;

    public long HashOf(InboundMessage message)
    {
        var hmac = _hmac.Value!;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, message.Length);
        hmac.AppendData(MemoryMarshal.AsBytes(message.Topic.AsSpan()));
        hmac.AppendData(length);
        hmac.AppendData(message.Payload.Span);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        hmac.GetHashAndReset(mac);
        return BinaryPrimitives.ReadInt64LittleEndian(mac);
    }

    public int Enter(long messageHash)
    {
        for (var tries = 0; tries < 8; tries++)
        {
            var slot = (int)((uint)Interlocked.Increment(ref _next) % Slots);
            if (Interlocked.CompareExchange(ref _taken[slot], 1, 0) == 0)
            {
                var span = _file.Span(slot * SlotBytes, SlotBytes);
                BinaryPrimitives.WriteInt64LittleEndian(span, messageHash);
                BinaryPrimitives.WriteInt64LittleEndian(span[8..], 1);
                return slot;
            }
        }

        return -1;
    }

    public void Leave(int slot)
    {
        if (slot is < 0 or >= Slots)
        {
            return;
        }

        _file.Span(slot * SlotBytes, SlotBytes).Clear();
        Volatile.Write(ref _taken[slot], 0);
    }

    public int Crashes(long messageHash) => _suspects.TryGetValue(messageHash, out var suspect) ? suspect.Crashes : 0;

    public void Clear(long messageHash)
    {
        if (_suspects.TryRemove(messageHash, out _))
        {
            SaveSuspects();
        }
    }

    public void Dispose()
    {
        foreach (var hmac in _hmac.Values)
        {
            hmac.Dispose();
        }

        _hmac.Dispose();
        _file.Dispose();
    }

    private byte[] LoadOrMakeKey()
    {
        var area = _file.Span(KeyAt, 8 + KeyBytes);
        if (BinaryPrimitives.ReadUInt64LittleEndian(area) == KeyMagic)
        {
            return area[8..].ToArray();
        }

        // No key yet: what the tables hold (if anything) was hashed without one, so it is wiped, not kept on disk.
        _file.Span(0, (int)KeyAt).Clear();
        var key = RandomNumberGenerator.GetBytes(KeyBytes);
        key.CopyTo(area[8..]);
        BinaryPrimitives.WriteUInt64LittleEndian(area, KeyMagic);
        return key;
    }

    private void LoadAndCount()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < Suspects; i++)
        {
            var span = _file.Span(SuspectsAt + (i * SuspectBytes), SuspectBytes);
            var hash = BinaryPrimitives.ReadInt64LittleEndian(span);
            var crashes = BinaryPrimitives.ReadInt64LittleEndian(span[8..]);
            var last = BinaryPrimitives.ReadInt64LittleEndian(span[16..]);
            if (crashes > 0 && now - last < Forget.TotalMilliseconds)
            {
                _suspects[hash] = ((int)crashes, last);
            }
        }

        for (var slot = 0; slot < Slots; slot++)
        {
            var span = _file.Span(slot * SlotBytes, SlotBytes);
            if (BinaryPrimitives.ReadInt64LittleEndian(span[8..]) == 1)
            {
                var hash = BinaryPrimitives.ReadInt64LittleEndian(span);
                _suspects[hash] = (Crashes(hash) + 1, now);
                InLastCrash++;
            }

            span.Clear();
        }

        SaveSuspects();
    }

    private void SaveSuspects()
    {
        lock (_tableLock)
        {
            var table = _file.Span(SuspectsAt, Suspects * SuspectBytes);
            table.Clear();
            var i = 0;
            foreach (var (hash, (crashes, last)) in _suspects.OrderByDescending(s => s.Value.LastMs).Take(Suspects))
            {
                var span = table.Slice(i++ * SuspectBytes, SuspectBytes);
                BinaryPrimitives.WriteInt64LittleEndian(span, hash);
                BinaryPrimitives.WriteInt64LittleEndian(span[8..], crashes);
                BinaryPrimitives.WriteInt64LittleEndian(span[16..], last);
            }
        }
    }
}
