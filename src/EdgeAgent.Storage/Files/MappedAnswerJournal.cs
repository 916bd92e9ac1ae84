using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Storage.Records;

namespace EdgeAgent.Storage.Files;

/// <summary>
/// The answer journal (<see cref="IAnswerJournal"/>) in a memory-mapped ring file, allocated on the device up front (a
/// mapped write can never meet a full disk). Each answered batch becomes one entry: a tag, a header (marker, length, first
/// and last sequence) and the batch's records, encoded as the store will record them; <see cref="Append(IReadOnlyList{Outcome})"/>
/// returns those bytes, and LiteDB's commit takes them (<see cref="ScoredBatch.Journaled"/>) rather than encoding again.
/// <see cref="Flush"/> makes the ring durable (one <c>fdatasync</c> of the file: the dirty pages only), which is what the
/// record loop acknowledges on. An entry's space is reused only once its last sequence is committed in LiteDB and the
/// header that no longer points at it is itself on the device, so that after a power cut recovery never starts from
/// space that was written over.
/// <para>
/// The records hold bytes a terminal chooses (its correlation data, its transaction id), so nothing inside an entry may
/// ever be taken for an entry. Every entry carries an HMAC-SHA256 tag under a random key that <see cref="Reset"/> writes
/// into the file header (a new key each start, flushed before any entry under it is acknowledged; nothing a terminal sends
/// can reach the header), and at start <see cref="Uncommitted"/> follows the chain from the oldest entry not yet in LiteDB
/// (its offset is kept in the header): each entry where the previous one ended, its first sequence one after the previous
/// one's last. The ring is never scanned, so bytes inside a record are never read as a header.
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

    /// <summary>
    /// The HMAC context under <see cref="_key"/>, kept for every append (under the lock): a one-shot HMAC looks the algorithm
    /// up in OpenSSL and sets the key up again at every entry. Made again whenever the key changes.
    /// </summary>
    private IncrementalHash _tagger;
    private long _offset = Start;
    private long _committed;

    private long _flushes;

    /// <summary>A flush failed: the device may have dropped the pages it did not write, so the next flush dirties them again.</summary>
    private bool _rewrite;

    public MappedAnswerJournal(string path, int megabytes)
    {
        _file = new MappedFile(path, (long)megabytes * 1024 * 1024);
        _ring = _file.Size <= int.MaxValue ? _file.Memory(0, (int)_file.Size) : default;
        if (!ReadKey(_key))
        {
            // A new file (or one of an older format, whose entries cannot be checked): it gets a key of its own.
            WriteHeader();
        }

        _tagger = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
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

    /// <summary>
    /// Empties the journal (once LiteDB has committed everything it held) and gives it a new key, flushed at once: an entry
    /// acknowledged under the new key must find that key on the device after a power cut. The old entries stay in the ring
    /// but no longer check under the new key, so they can never be recorded again.
    /// </summary>
    public void Reset()
    {
        lock (_lock)
        {
            _file.Release(0, _file.Size);
            _live.Clear();
            _offset = Start;
            WriteHeader();
            _tagger.Dispose();
            _tagger = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        }

        _file.Flush();
    }

    public bool WaitForRoom(TimeSpan timeout)
    {
        lock (_lock)
        {
            return Monitor.Wait(_lock, timeout);
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            if (_rewrite)
            {
                Redirty();
            }
        }

        try
        {
            _file.Flush();
        }
        catch (IOException)
        {
            lock (_lock)
            {
                _rewrite = true;
            }

            throw;
        }

        lock (_lock)
        {
            _rewrite = false;
        }

        Interlocked.Increment(ref _flushes);
    }

    /// <summary>Flushes to the device that succeeded: the acknowledgements' group commits and one per LiteDB commit that released space.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

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
            Tag(_tagger, entry[TagBytes..(HeaderBytes + records.Length)], entry[..TagBytes]);
            _live.Enqueue((at, at + length, last));
            WriteHead();
            return _ring.IsEmpty ? _file.Memory(at + HeaderBytes, records.Length) : _ring.Slice((int)at + HeaderBytes, records.Length);
        }
    }

    public void Committed(long sequence)
    {
        lock (_lock)
        {
            if (sequence <= _committed)
            {
                return;
            }

            _committed = sequence;
            WriteHead();
        }

        // The header that no longer points at the committed entries goes to the device before their space is reused; until
        // then appends see the space as taken. Off the acknowledgement path: LiteDB's feed calls this once per group.
        try
        {
            Flush();
        }
        catch (IOException)
        {
            // Their space stays taken; the next commit's flush releases it (the ring waits meanwhile, it never drops).
            return;
        }

        lock (_lock)
        {
            var released = false;
            while (_live.TryPeek(out var entry) && entry.Last <= sequence)
            {
                _live.Dequeue();
                released = true;
            }

            if (released)
            {
                Monitor.PulseAll(_lock);
            }
        }
    }

    public void Dispose()
    {
        _file.Dispose();
        _tagger.Dispose();
    }

    private static int Align(int length) => (length + 7) & ~7;

    private static void Tag(ReadOnlySpan<byte> key, ReadOnlySpan<byte> covered, Span<byte> tag)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, covered, mac);
        mac[..TagBytes].CopyTo(tag);
    }

    /// <summary>The same tag as <see cref="Tag(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>, through a kept context.</summary>
    private static void Tag(IncrementalHash hmac, ReadOnlySpan<byte> covered, Span<byte> tag)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        hmac.AppendData(covered);
        hmac.GetHashAndReset(mac);
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

    /// <summary>Where recovery starts: the oldest entry not yet in LiteDB, or where the next one goes. One aligned 8-byte write.</summary>
    private void WriteHead()
    {
        var head = _offset;
        foreach (var (offset, _, last) in _live)
        {
            // Entries committed in LiteDB whose space is not yet released come first; only a flush's moment is spent here.
            if (last > _committed)
            {
                head = offset;
                break;
            }
        }

        BinaryPrimitives.WriteInt64LittleEndian(_file.Span(HeadAt, 8), head);
    }

    /// <summary>
    /// Writes a byte of every page the live entries and the header occupy over itself: after a failed <c>fdatasync</c> the
    /// kernel may have marked pages clean that never reached the device, and a retried flush would then succeed without them.
    /// </summary>
    private void Redirty()
    {
        var page = Environment.SystemPageSize;
        Touch(0, Start);
        foreach (var (offset, end, _) in _live)
        {
            Touch(offset, (int)(end - offset));
        }

        void Touch(long offset, int length)
        {
            for (var at = offset / page * page; at < offset + length; at += page)
            {
                var span = _file.Span(Math.Max(at, offset), 1);
                Volatile.Write(ref span[0], Volatile.Read(ref span[0]));
            }
        }
    }

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
                // Nothing reserved: the caller waits for LiteDB to catch up and appends again.
                throw new AnswerJournalFullException(
                    "The answer journal is full of entries not yet in LiteDB (Storage:AnswerJournalMegabytes is small for the backlog).");
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
