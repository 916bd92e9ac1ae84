using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Storage.Records;

namespace EdgeAgent.Storage.Files;

/// <summary>
/// The answer journal (<see cref="IAnswerJournal"/>) in a memory-mapped ring file. Each answered batch becomes one entry:
/// a tag, a header (marker, length, first and last sequence) and the batch's records, encoded as the store will record
/// them; <see cref="Append(IReadOnlyList{Outcome})"/> returns those bytes, and the store's commit takes them (<see cref="ScoredBatch.Journaled"/>)
/// rather than encoding again. An entry's space is
/// reused once its last sequence is committed; the ring must hold everything answered and not yet committed, or appending
/// fails (and the agent, still safe, would score a crashed batch again).
/// <para>
/// The records hold bytes a terminal chooses (its correlation data, its transaction id), so nothing inside an entry may
/// ever be taken for an entry. Every entry carries an HMAC-SHA256 tag under a random key that <see cref="Reset"/> writes
/// into the file header (a new key each start; nothing a terminal sends can reach the header), and at start
/// <see cref="Uncommitted"/> follows the chain from the oldest entry not yet committed (its offset is kept in the header):
/// each entry where the previous one ended, its first sequence one after the previous one's last. The ring is never
/// scanned, so bytes inside a record are never read as a header.
/// </para>
/// </summary>
public sealed class MappedAnswerJournal : IAnswerJournal, IDisposable
{
    private const uint FileMagic = 0x324A4145; // "EAJ2"
    private const uint Marker = 0xA115E7ED;
    private const int KeyBytes = 32;
    private const int TagBytes = 16;

    // Entry: tag (16), marker (4), length of the records (4), first (8), last (8), records. The tag covers everything after it.
    private const int HeaderBytes = 40;
    private const int Start = 64;

    // File header: magic (4), unused (4), offset of the oldest entry not yet committed (8), key (32).
    private const int HeadAt = 8;
    private const int KeyAt = 16;

    /// <summary>A record is never shorter (length prefix, version, kind, sequence): bounds how many sequences an entry can claim.</summary>
    private const int MinRecordBytes = 4 + 2 + 8;

    /// <summary>How much of the ring stays resident behind the write position: the entries the store's commit reads back.</summary>
    private const long ResidentBehind = 2L * 1024 * 1024;
    private const long ReleaseChunk = 1024 * 1024;

    private readonly MappedFile _file;
    private readonly ArrayBufferWriter<byte> _encoded = new(64 * 1024);
    private readonly Queue<(long Offset, long End, long Last)> _live = new();
    private readonly object _lock = new();

    /// <summary>The whole ring as one memory, which entries slice (no object per entry); empty for a ring over 2 GB.</summary>
    private readonly Memory<byte> _ring;
    private readonly byte[] _key = new byte[KeyBytes];
    private long _offset = Start;
    private long _committed;

    public MappedAnswerJournal(string path, int megabytes)
    {
        _file = new MappedFile(path, (long)megabytes * 1024 * 1024);
        _ring = _file.Size <= int.MaxValue ? _file.Memory(0, (int)_file.Size) : default;
        if (!ReadKey(_key))
        {
            // A new file (or one of an older format, whose entries cannot be checked): it gets a key of its own.
            WriteHeader();
        }
    }

    /// <summary>
    /// The entries after <paramref name="lastCommitted"/>, in order, as long as they follow on from it without a gap (a gap
    /// means an entry was lost, and nothing after it can be trusted to be the next payments). Only entries whose tag checks
    /// under this file's key are read, and only along the chain.
    /// </summary>
    public IReadOnlyList<(long First, long Last, byte[] Records)> Uncommitted(long lastCommitted)
    {
        var result = new List<(long, long, byte[])>();
        Span<byte> key = stackalloc byte[KeyBytes];
        if (!ReadKey(key) || lastCommitted < 0)
        {
            return result;
        }

        var at = BinaryPrimitives.ReadInt64LittleEndian(_file.Span(HeadAt, 8));
        if (at < Start || at > _file.Size || at % 8 != 0)
        {
            at = Start;
        }

        var next = lastCommitted + 1;
        long previous = 0;
        for (var steps = _file.Size / 8; steps > 0; steps--)
        {
            // The next entry is where the previous one ended, or at the start of the ring when it did not fit there.
            if (!TryRead(key, at, previous, out var entry) && (at == Start || !TryRead(key, Start, previous, out entry)))
            {
                break;
            }

            if (entry.Last >= next)
            {
                if (entry.First != next)
                {
                    break;
                }

                result.Add((entry.First, entry.Last, entry.Records));
                next = entry.Last + 1;
            }

            previous = entry.Last;
            at = entry.End;
        }

        return result;
    }

    /// <summary>Empties the journal (after what it held has been recorded) and gives it a new key.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _file.Span(0, (int)Math.Min(_file.Size, int.MaxValue)).Clear();
            _file.Release(0, _file.Size);
            _live.Clear();
            _offset = Start;
            WriteHeader();
        }
    }

    /// <summary>Appends the outcomes of <paramref name="batch"/> (tests, tools).</summary>
    public ReadOnlyMemory<byte> Append(ScoredBatch batch) => Append(batch.Outcomes);

    public ReadOnlyMemory<byte> Append(IReadOnlyList<Outcome> outcomes)
    {
        lock (_lock)
        {
            _encoded.ResetWrittenCount();
            var (first, last) = RecordCodec.Encode(outcomes, _encoded);
            if (last == 0)
            {
                return default;
            }

            var length = Align(HeaderBytes + _encoded.WrittenCount);
            var at = Reserve(length);
            ReleaseBehind(at, at + length);
            var entry = _file.Span(at, length);
            entry.Clear();
            var records = _encoded.WrittenSpan;
            records.CopyTo(entry[HeaderBytes..]);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[16..], Marker);
            BinaryPrimitives.WriteInt32LittleEndian(entry[20..], records.Length);
            BinaryPrimitives.WriteInt64LittleEndian(entry[24..], first);
            BinaryPrimitives.WriteInt64LittleEndian(entry[32..], last);

            // The tag last: an entry torn by a crash mid-write fails it.
            Tag(_key, entry[TagBytes..(HeaderBytes + records.Length)], entry[..TagBytes]);
            _live.Enqueue((at, at + length, last));
            WriteHead();
            return _ring.IsEmpty ? _file.Memory(at + HeaderBytes, records.Length) : _ring.Slice((int)at + HeaderBytes, records.Length);
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

            WriteHead();
        }
    }

    public void Dispose() => _file.Dispose();

    private static int Align(int length) => (length + 7) & ~7;

    private static void Tag(ReadOnlySpan<byte> key, ReadOnlySpan<byte> covered, Span<byte> tag)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, covered, mac);
        mac[..TagBytes].CopyTo(tag);
    }

    private bool ReadKey(Span<byte> key)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(_file.Span(0, 4)) != FileMagic)
        {
            return false;
        }

        _file.Span(KeyAt, KeyBytes).CopyTo(key);
        return true;
    }

    private void WriteHeader()
    {
        RandomNumberGenerator.Fill(_key);
        var header = _file.Span(0, Start);
        header.Clear();
        _key.CopyTo(header[KeyAt..]);
        BinaryPrimitives.WriteInt64LittleEndian(header[HeadAt..], Start);
        BinaryPrimitives.WriteUInt32LittleEndian(header, FileMagic);
    }

    /// <summary>Where recovery starts: the oldest entry not yet committed, or where the next one goes. One aligned 8-byte write.</summary>
    private void WriteHead() =>
        BinaryPrimitives.WriteInt64LittleEndian(_file.Span(HeadAt, 8), _live.TryPeek(out var oldest) ? oldest.Offset : _offset);

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

    /// <summary>
    /// The entry at <paramref name="at"/>, when its tag checks under <paramref name="key"/> and, after the first entry of the
    /// chain (<paramref name="previous"/> 0), it follows on from the previous one. Its claimed range must also be one its
    /// records can fill, so no entry can move the sequence far ahead.
    /// </summary>
    private bool TryRead(ReadOnlySpan<byte> key, long at, long previous, out (long First, long Last, long End, byte[] Records) entry)
    {
        entry = default;
        if (at + HeaderBytes > _file.Size)
        {
            return false;
        }

        var header = _file.Span(at, HeaderBytes);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[16..]) != Marker || length <= 0 || length > _file.Size - at - HeaderBytes)
        {
            return false;
        }

        var covered = _file.Span(at + TagBytes, HeaderBytes - TagBytes + length);
        Span<byte> tag = stackalloc byte[TagBytes];
        Tag(key, covered, tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, header[..TagBytes]))
        {
            return false;
        }

        var first = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        var last = BinaryPrimitives.ReadInt64LittleEndian(header[32..]);
        if (first <= 0 || last < first || last - first >= length / MinRecordBytes || (previous != 0 && first != previous + 1))
        {
            return false;
        }

        entry = (first, last, at + Align(HeaderBytes + length), _file.Span(at + HeaderBytes, length).ToArray());
        return true;
    }
}
