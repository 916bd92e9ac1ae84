using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Storage.Records;

namespace EdgeAgent.Storage.Files;

/// <summary>
/// The answer journal (<see cref="IAnswerJournal"/>) in a memory-mapped ring file. Each answered batch becomes one entry:
/// a header (marker, length, CRC-32, first and last sequence) and the batch's records, encoded as the store will record
/// them; the store's commit takes the same bytes (<see cref="EncodedFor"/>) rather than encoding again. An entry's space is
/// reused once its last sequence is committed; the ring must hold everything answered and not yet committed, or appending
/// fails (and the agent, still safe, would score a crashed batch again). At start <see cref="Uncommitted"/> hands the store
/// the entries beyond its last commit that follow on from it without a gap, each checked against its CRC.
/// </summary>
public sealed class MappedAnswerJournal : IAnswerJournal, IDisposable
{
    private const uint Marker = 0xA115E7ED;
    private const int HeaderBytes = 32;
    private const int Start = 64;

    /// <summary>How much of the ring stays resident behind the write position: the entries the store's commit reads back.</summary>
    private const long ResidentBehind = 2L * 1024 * 1024;
    private const long ReleaseChunk = 1024 * 1024;

    private readonly MappedFile _file;
    private readonly ArrayBufferWriter<byte> _encoded = new(64 * 1024);
    private readonly Queue<(long Offset, long End, long Last)> _live = new();
    private readonly ConditionalWeakTable<ScoredBatch, StrongBox<Memory<byte>>> _entries = [];
    private readonly object _lock = new();
    private long _offset = Start;
    private long _committed;

    public MappedAnswerJournal(string path, int megabytes)
    {
        _file = new MappedFile(path, (long)megabytes * 1024 * 1024);
    }

    /// <summary>
    /// The entries after <paramref name="lastCommitted"/>, in order, as long as they follow on from it without a gap (a gap
    /// means an entry was lost, and nothing after it can be trusted to be the next payments).
    /// </summary>
    public IReadOnlyList<(long First, long Last, byte[] Records)> Uncommitted(long lastCommitted)
    {
        var found = new SortedDictionary<long, (long Last, byte[] Records)>();
        for (long at = Start; at + HeaderBytes <= _file.Size; at += 8)
        {
            if (TryRead(at, out var first, out var last, out var records) && last > lastCommitted)
            {
                found[first] = (last, records);
                at += Align(HeaderBytes + records.Length) - 8;
            }
        }

        var result = new List<(long, long, byte[])>();
        var next = lastCommitted + 1;
        foreach (var (first, (last, records)) in found)
        {
            if (last < next)
            {
                continue;
            }

            if (first > next)
            {
                break;
            }

            result.Add((first, last, records));
            next = last + 1;
        }

        return result;
    }

    /// <summary>Empties the journal (after what it held has been recorded).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _file.Span(0, (int)Math.Min(_file.Size, int.MaxValue)).Clear();
            _file.Release(0, _file.Size);
            _live.Clear();
            _offset = Start;
        }
    }

    public void Append(ScoredBatch batch)
    {
        lock (_lock)
        {
            _encoded.ResetWrittenCount();
            var (first, last) = RecordCodec.Encode(batch, _encoded);
            if (last == 0)
            {
                return;
            }

            var length = Align(HeaderBytes + _encoded.WrittenCount);
            var at = Reserve(length);
            ReleaseBehind(at, at + length);
            var entry = _file.Span(at, length);
            entry.Clear();
            var records = _encoded.WrittenSpan;
            records.CopyTo(entry[HeaderBytes..]);
            BinaryPrimitives.WriteInt32LittleEndian(entry[4..], records.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], Crc32.HashToUInt32(records));
            BinaryPrimitives.WriteInt64LittleEndian(entry[16..], first);
            BinaryPrimitives.WriteInt64LittleEndian(entry[24..], last);

            // The marker last: an entry torn by a crash mid-write has none, or fails its CRC.
            BinaryPrimitives.WriteUInt32LittleEndian(entry, Marker);
            _live.Enqueue((at, at + length, last));
            _entries.AddOrUpdate(batch, new StrongBox<Memory<byte>>(_file.Memory(at + HeaderBytes, records.Length)));
        }
    }

    public void Committed(long sequence)
    {
        lock (_lock)
        {
            _committed = Math.Max(_committed, sequence);
            while (_live.TryPeek(out var entry) && entry.Last <= _committed)
            {
                _live.Dequeue();
            }
        }
    }

    /// <summary>The records of <paramref name="batch"/> as this journal encoded them, while its entry is live; null otherwise.</summary>
    public ReadOnlyMemory<byte>? EncodedFor(ScoredBatch batch)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(batch, out var memory) ? memory.Value : null;
        }
    }

    public void Dispose() => _file.Dispose();

    private static int Align(int length) => (length + 7) & ~7;

    /// <summary>
    /// When the write position enters a new chunk of the ring, the chunk <see cref="ResidentBehind"/> behind it leaves
    /// resident memory (its bytes stay in the file), so the process keeps a few megabytes of the ring, not all of it.
    /// </summary>
    private void ReleaseBehind(long at, long end)
    {
        if (at / ReleaseChunk == (end - 1) / ReleaseChunk && at % ReleaseChunk != 0)
        {
            return;
        }

        var chunk = (end - 1) / ReleaseChunk * ReleaseChunk;
        var behind = chunk - ResidentBehind;
        if (behind < 0)
        {
            behind += (_file.Size + ReleaseChunk - 1) / ReleaseChunk * ReleaseChunk;
        }

        _file.Release(behind, ReleaseChunk);
    }

    private long Reserve(int length)
    {
        var at = _offset + length <= _file.Size ? _offset : Start;
        if (at == Start && _offset != Start && at + length > _file.Size)
        {
            throw new InvalidOperationException("An answered batch is larger than the answer journal (Storage:AnswerJournalMegabytes).");
        }

        foreach (var (offset, end, _) in _live)
        {
            if (at < end && offset < at + length)
            {
                throw new InvalidOperationException(
                    "The answer journal is full of batches not yet committed (Storage:AnswerJournalMegabytes is too small for the backlog).");
            }
        }

        _offset = at + length;
        return at;
    }

    private bool TryRead(long at, out long first, out long last, out byte[] records)
    {
        first = last = 0;
        records = [];
        var header = _file.Span(at, HeaderBytes);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Marker)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        if (length <= 0 || at + HeaderBytes + length > _file.Size)
        {
            return false;
        }

        var data = _file.Span(at + HeaderBytes, length);
        if (Crc32.HashToUInt32(data) != BinaryPrimitives.ReadUInt32LittleEndian(header[8..]))
        {
            return false;
        }

        first = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        last = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        records = data.ToArray();
        return first > 0 && last >= first;
    }
}
