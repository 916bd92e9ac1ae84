using System.Buffers.Binary;
using System.Collections.Concurrent;
using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Storage.Files;

/// <summary>
/// The poison ledger (<see cref="IPoisonLedger"/>) in a small memory-mapped file: a table of slots, one per message being
/// handled (its hash, written when it arrives, cleared when it is answered), and a table of suspects with their crash
/// counts. What the slots still hold when the process starts again was in the crash: each of those hashes counts one more
/// crash. Suspects that did not come back within a day are forgotten.
/// </summary>
public sealed class MappedPoisonLedger : IPoisonLedger, IDisposable
{
    private const int Slots = 4096;
    private const int SlotBytes = 16;
    private const int Suspects = 1024;
    private const int SuspectBytes = 24;
    private const long SuspectsAt = Slots * SlotBytes;
    private static readonly TimeSpan Forget = TimeSpan.FromDays(1);

    private readonly MappedFile _file;
    private readonly TimeProvider _time;
    private readonly int[] _taken = new int[Slots];
    private readonly ConcurrentDictionary<long, (int Crashes, long LastMs)> _suspects = new();
    private readonly object _tableLock = new();
    private int _next;

    public MappedPoisonLedger(string path, TimeProvider time)
    {
        _time = time;
        _file = new MappedFile(path, SuspectsAt + (Suspects * SuspectBytes));
        LoadAndCount();
    }

    /// <summary>Messages the last run left in its slots: they were being handled when it died.</summary>
    public int InLastCrash { get; private set; }

    /// <summary>Messages with at least one crash against them.</summary>
    public int SuspectCount => _suspects.Count;

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

    public void Dispose() => _file.Dispose();

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
