using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using EdgeAgent.Storage.Files;

namespace EdgeAgent.Storage.Answers;

/// <summary>One answer a terminal is owed: the client id that sent the payment, where the answer goes, its exact bytes.</summary>
public sealed record OwedAnswer(long Id, string ClientId, string Topic, byte[]? Correlation, byte[] Payload, DateTimeOffset GivenAt);

/// <summary>
/// The answers the embedded broker owes its terminals, kept in the agent's data folder until each terminal acknowledges
/// its own: an append-only file of "owed" and "settled" entries, each framed by its length and a CRC, written in group
/// commits (one <c>fdatasync</c> for whatever was appended meanwhile). An owed entry is durable before the payment's
/// PUBACK leaves; a settled entry may be lost in a crash, which only means its answer is offered once more, with the
/// same bytes, so it waits for the next owed entry's commit (or a second) rather than starting one. The file is read sequentially from its start, so bytes a terminal controls (correlation data) inside an
/// entry are never taken for an entry; a torn tail ends the read and is cut off. At open the outstanding entries are
/// written to a fresh file, so it holds only what is still owed.
/// </summary>
public sealed class OwedAnswerFile : IDisposable
{
    public const string FileName = "owed-answers.log";
    private const byte OwedKind = 1;
    private const byte SettledKind = 2;
    private const byte LastIdKind = 3;
    private const int HeaderBytes = 8;
    private const int MaxEntryBytes = 16 * 1024 * 1024;
    private const long DefaultCompactionFloor = 64L * 1024 * 1024;
    private const int MaxSpareBytes = 256 * 1024;

    /// <summary>How long settled entries wait for an owed answer's group commit to carry them before they get one of their own.</summary>
    private static readonly TimeSpan SettledFlushDelay = TimeSpan.FromSeconds(1);

    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, OwedAnswer> _outstanding = [];
    private FileStream _file;

    /// <summary>What the next group commit writes; swapped with <see cref="_spare"/> by each, so a payment allocates no buffer.</summary>
    private ArrayBufferWriter<byte> _pending = new(4096);
    private ArrayBufferWriter<byte>? _spare = new(4096);
    private TaskCompletionSource _nextFlush = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The group commit's thread: it blocks in <c>fdatasync</c>, which a stalling device holds for seconds, so it is not one
    /// of the thread pool's few workers (on two cores, two), which the broker's connections and the pipeline run on.
    /// </summary>
    private readonly Thread _flusher;
    private readonly AutoResetEvent _flushWanted = new(false);

    /// <summary>
    /// A flusher runs or is about to, set and cleared under <see cref="_lock"/> only: the flusher decides to stop under the
    /// same lock an append takes, so an entry appended after that decision starts the next flusher itself. (The flusher's
    /// task is still running for a moment after that decision: judged by the task, such an entry waited for the next
    /// append, and a payment's PUBACK with it, for ever when none came.)
    /// </summary>
    private bool _flusherRunning;
    private long _lastId;
    private long _bytes;
    private bool _disposed;
    private readonly long _compactionFloor;

    /// <summary>Flushes settled entries that no owed answer's group commit carried within <see cref="SettledFlushDelay"/>.</summary>
    private readonly Timer _settledFlush;
    private bool _settledWaiting;

    private OwedAnswerFile(string path, FileStream file, long compactionFloor)
    {
        _flusher = new Thread(RunFlusher) { IsBackground = true, Name = "Owed answers" };
        _settledFlush = new Timer(static file => ((OwedAnswerFile)file!).FlushSettled(), this, Timeout.Infinite, Timeout.Infinite);
        _path = path;
        _file = file;
        _compactionFloor = compactionFloor;
        _flusher.Start();
    }

    /// <summary>Entries that could not be read back at open (a torn tail), skipped.</summary>
    public int SkippedAtOpen { get; private set; }

    /// <summary>Answers still owed, in the order they were given.</summary>
    public IReadOnlyList<OwedAnswer> Outstanding()
    {
        lock (_lock)
        {
            return [.. _outstanding.Values.OrderBy(a => a.Id)];
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _outstanding.Count;
            }
        }
    }

    /// <summary>Opens (or creates) the file in <paramref name="folder"/>, reads what is owed and rewrites the file with only that.</summary>
    /// <param name="folder">The data folder.</param>
    /// <param name="compactionFloor">File size below which it is never rewritten; 64 MiB by default.</param>
    public static OwedAnswerFile Open(string folder, long compactionFloor = DefaultCompactionFloor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(compactionFloor, 1);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var outstanding = new Dictionary<long, OwedAnswer>();
        var skipped = 0;
        long lastId = 0;
        if (File.Exists(path))
        {
            (lastId, skipped) = Read(File.ReadAllBytes(path), outstanding);
        }

        var fresh = path + ".new";
        using (var writer = new FileStream(fresh, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var buffer = new ArrayBufferWriter<byte>();
            foreach (var answer in outstanding.Values.OrderBy(a => a.Id))
            {
                AppendOwed(buffer, answer);
            }

            // The highest id given so far survives compaction, so that a settled entry never names a later answer.
            if (lastId > 0)
            {
                AppendId(buffer, LastIdKind, lastId);
            }
            writer.Write(buffer.WrittenSpan);
            writer.Flush();
            Native.FlushData(writer.SafeFileHandle);
        }

        File.Move(fresh, path, overwrite: true);
        Native.FlushDirectory(folder);
        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var owed = new OwedAnswerFile(path, file, compactionFloor) { SkippedAtOpen = skipped, _lastId = lastId, _bytes = file.Length };
        foreach (var (id, answer) in outstanding)
        {
            owed._outstanding[id] = answer;
        }

        return owed;
    }

    /// <summary>
    /// Appends an owed answer; the task completes once it is on the device. The entry is written with the next group
    /// commit, together with every other appended meanwhile.
    /// </summary>
    public (OwedAnswer Answer, Task Durable) Owe(string clientId, string topic, byte[]? correlation, ReadOnlySpan<byte> payload, DateTimeOffset givenAt)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var answer = new OwedAnswer(++_lastId, clientId, topic, correlation, payload.ToArray(), givenAt);
            _outstanding[answer.Id] = answer;
            AppendOwed(_pending, answer);
            return (answer, FlushLocked());
        }
    }

    /// <summary>The terminal acknowledged the answer (or it was dropped by a bound): it is owed no more.</summary>
    public void Settle(long id)
    {
        lock (_lock)
        {
            if (_disposed || !_outstanding.Remove(id))
            {
                return;
            }

            AppendSettled(_pending, id);

            // Not durable by contract (lost in a crash, its answer is only offered once more, with the same bytes): it rides
            // with the next owed answer's group commit, which comes within milliseconds while terminals pay, instead of a
            // flush to the device of its own for every answer a terminal acknowledges.
            if (!_settledWaiting)
            {
                _settledWaiting = true;
                _settledFlush.Change(SettledFlushDelay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _settledFlush.Dispose();
        _flushWanted.Set(); // the flusher ends once the flush under way, if any, is done
        if (_flusher.Join(TimeSpan.FromSeconds(5)))
        {
            _flushWanted.Dispose();
        }

        lock (_lock)
        {
            if (_pending.WrittenCount > 0)
            {
                try
                {
                    _file.Write(_pending.WrittenSpan);
                    _file.Flush();
                    Native.FlushData(_file.SafeFileHandle);
                }
                catch (IOException)
                {
                    // Settled entries only, or owed ones whose PUBACK never left: offered again, or resent by the terminal.
                }
            }

            _file.Dispose();
        }
    }

    /// <summary>The settled entries' own group commit, when no owed answer's carried them (a quiet store).</summary>
    private void FlushSettled()
    {
        lock (_lock)
        {
            _settledWaiting = false;
            if (!_disposed && _pending.WrittenCount > 0)
            {
                _ = FlushLocked();
            }
        }
    }

    /// <summary>Starts a group commit unless one is running; returns the task of the commit that will carry what is pending.</summary>
    private Task FlushLocked()
    {
        var carried = _nextFlush.Task;
        if (!_flusherRunning)
        {
            _flusherRunning = true;
            _flushWanted.Set();
        }

        return carried;
    }

    private void RunFlusher()
    {
        while (true)
        {
            _flushWanted.WaitOne();
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }
            }

            try
            {
                FlushPending();
            }
            catch (Exception)
            {
                lock (_lock)
                {
                    // The flush failed outside a write (whose failure its waiters get): the next append wakes it again.
                    _flusherRunning = false;
                }
            }
        }
    }

    private void FlushPending()
    {
        while (true)
        {
            ArrayBufferWriter<byte> batch;
            TaskCompletionSource done;
            lock (_lock)
            {
                if (_pending.WrittenCount == 0 || _disposed)
                {
                    _flusherRunning = false;
                    return;
                }

                batch = _pending;
                done = _nextFlush;
                _pending = _spare ?? new ArrayBufferWriter<byte>(4096);
                _spare = null;
                _nextFlush = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            var length = batch.WrittenCount;
            try
            {
                _file.Write(batch.WrittenSpan);
                _file.Flush();
                Native.FlushData(_file.SafeFileHandle);
                _bytes += length;
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }

            // Kept for the next swap unless a burst (a stalled device) grew it: that one goes, so the memory does not stay.
            batch.ResetWrittenCount();
            lock (_lock)
            {
                _spare = batch.Capacity <= MaxSpareBytes ? batch : null;
            }

            if (_bytes > Math.Max(_compactionFloor, length * 4))
            {
                try
                {
                    Compact();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The file stays as it is, larger than it need be; compacting is tried again after the next flush.
                }
            }
        }
    }

    /// <summary>Rewrites the file once it is far larger than what it still owes, so settled entries do not pile up.</summary>
    private void Compact()
    {
        // Only the flusher writes the file, so the fresh copy is written and flushed without the lock: an answer being
        // owed meanwhile (the pipeline's answer path) waits for no device. What is appended meanwhile stays pending and
        // goes to the fresh file with the next group commit, after the swap and the directory's flush below.
        List<OwedAnswer> outstanding;
        long lastId;
        lock (_lock)
        {
            outstanding = [.. _outstanding.Values.OrderBy(a => a.Id)];
            lastId = _lastId;
        }

        var fresh = _path + ".new";
        using (var writer = new FileStream(fresh, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var buffer = new ArrayBufferWriter<byte>();
            foreach (var answer in outstanding)
            {
                AppendOwed(buffer, answer);
            }

            if (lastId > 0)
            {
                AppendId(buffer, LastIdKind, lastId);
            }

            writer.Write(buffer.WrittenSpan);
            writer.Flush();
            Native.FlushData(writer.SafeFileHandle);
        }

        lock (_lock)
        {
            if (_disposed)
            {
                // Closing while this ran: what was pending went to the current file, which stays.
                File.Delete(fresh);
                return;
            }

            _file.Dispose();
            File.Move(fresh, _path, overwrite: true);
            _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
            _bytes = _file.Length;
        }

        Native.FlushDirectory(Path.GetDirectoryName(_path)!);
    }

    private static (long LastId, int Skipped) Read(byte[] bytes, Dictionary<long, OwedAnswer> outstanding)
    {
        long lastId = 0;
        var at = 0;
        while (at + HeaderBytes <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4));
            if (length <= 0 || length > MaxEntryBytes || at + HeaderBytes + length > bytes.Length)
            {
                break;
            }

            var body = bytes.AsSpan(at + HeaderBytes, length);
            if (Crc32.HashToUInt32(body) != crc || !TryDecode(body, outstanding, ref lastId))
            {
                break;
            }

            at += HeaderBytes + length;
        }

        // Whatever follows the last whole entry is a write the crash cut short: counted once, then gone with the rewrite.
        return (lastId, at < bytes.Length ? 1 : 0);
    }

    private static bool TryDecode(ReadOnlySpan<byte> body, Dictionary<long, OwedAnswer> outstanding, ref long lastId)
    {
        try
        {
            var reader = new SpanReader(body);
            var kind = reader.Byte();
            var id = reader.Int64();
            if (id <= 0)
            {
                return false;
            }

            if (kind == LastIdKind)
            {
                lastId = Math.Max(lastId, id);
                return true;
            }

            if (kind == SettledKind)
            {
                outstanding.Remove(id);
                lastId = Math.Max(lastId, id);
                return true;
            }

            if (kind != OwedKind)
            {
                return false;
            }

            var givenAt = new DateTimeOffset(reader.Int64(), TimeSpan.Zero);
            var clientId = reader.String();
            var topic = reader.String();
            var correlation = reader.Bytes();
            var payload = reader.Bytes() ?? [];
            outstanding[id] = new OwedAnswer(id, clientId, topic, correlation, payload, givenAt);
            lastId = Math.Max(lastId, id);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>
    /// An owed entry, framed, written straight into <paramref name="to"/>: its kind, id and time, then the client id, topic,
    /// correlation and payload, each after its length (-1 for none), numbers little-endian.
    /// </summary>
    private static void AppendOwed(ArrayBufferWriter<byte> to, OwedAnswer answer)
    {
        var start = Begin(to);
        Byte(to, OwedKind);
        Int64(to, answer.Id);
        Int64(to, answer.GivenAt.UtcTicks);
        String(to, answer.ClientId);
        String(to, answer.Topic);
        Bytes(to, answer.Correlation);
        Bytes(to, answer.Payload);
        End(to, start);
    }

    private static void AppendSettled(ArrayBufferWriter<byte> to, long id) => AppendId(to, SettledKind, id);

    /// <summary>An entry of an id alone: a settled answer, or (at compaction) the highest id given so far.</summary>
    private static void AppendId(ArrayBufferWriter<byte> to, byte kind, long id)
    {
        var start = Begin(to);
        Byte(to, kind);
        Int64(to, id);
        End(to, start);
    }

    /// <summary>Leaves room for an entry's header (its length and CRC, written by <see cref="End"/>); returns where it starts.</summary>
    private static int Begin(ArrayBufferWriter<byte> to)
    {
        var start = to.WrittenCount;
        to.GetSpan(HeaderBytes)[..HeaderBytes].Clear();
        to.Advance(HeaderBytes);
        return start;
    }

    private static void End(ArrayBufferWriter<byte> to, int start)
    {
        var entry = MemoryMarshal.AsMemory(to.WrittenMemory).Span[start..];
        var body = entry[HeaderBytes..];
        BinaryPrimitives.WriteInt32LittleEndian(entry, body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], Crc32.HashToUInt32(body));
    }

    private static void Byte(ArrayBufferWriter<byte> to, byte value)
    {
        to.GetSpan(1)[0] = value;
        to.Advance(1);
    }

    private static void Int32(ArrayBufferWriter<byte> to, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(to.GetSpan(4), value);
        to.Advance(4);
    }

    private static void Int64(ArrayBufferWriter<byte> to, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(to.GetSpan(8), value);
        to.Advance(8);
    }

    private static void String(ArrayBufferWriter<byte> to, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Int32(to, length);
        Encoding.UTF8.GetBytes(value, to.GetSpan(length));
        to.Advance(length);
    }

    private static void Bytes(ArrayBufferWriter<byte> to, byte[]? value)
    {
        Int32(to, value?.Length ?? -1);
        if (value is not null)
        {
            value.CopyTo(to.GetSpan(value.Length));
            to.Advance(value.Length);
        }
    }

    /// <summary>Reads the fields of one entry; a field that runs past the entry throws, and the entry is refused.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> span)
    {
        private readonly ReadOnlySpan<byte> _span = span;
        private int _at;

        public byte Byte() => _span[_at++];

        public long Int64()
        {
            var value = BinaryPrimitives.ReadInt64LittleEndian(_span.Slice(_at, 8));
            _at += 8;
            return value;
        }

        public string String() => Encoding.UTF8.GetString(Bytes() ?? throw new ArgumentOutOfRangeException(nameof(_span)));

        public byte[]? Bytes()
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(_span.Slice(_at, 4));
            _at += 4;
            if (length < 0)
            {
                return length == -1 ? null : throw new ArgumentOutOfRangeException(nameof(_span));
            }

            var value = _span.Slice(_at, length).ToArray();
            _at += length;
            return value;
        }
    }
}
