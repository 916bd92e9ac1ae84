using EdgeAgent.Core.Pipeline;
using LiteDB;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace EdgeAgent.Storage.Files;

/// <summary>
/// The one owner of the agent's LiteDB file (direct mode, one instance per process: LiteDB's shared mode reopens the engine
/// on every operation). It adds what LiteDB 5 lacks for a store that acknowledges payments:
/// <list type="bullet">
/// <item>durability: LiteDB never flushes a commit to the device, so <see cref="Flush"/> fdatasyncs its write-ahead log
/// after each commit (LiteDB writes the log pages straight to the file, unbuffered, and flushes the data file itself when
/// it checkpoints);</item>
/// <item>a free-space guard, so a commit never runs into a full device in the middle of LiteDB's own writes;</item>
/// <item>a reopen after an I/O failure, which lets LiteDB's recovery discard the half-written transaction;</item>
/// <item>a file that cannot be opened or read (corrupt, truncated) is moved aside, kept for forensics, and replaced by a new
/// one, instead of the agent crash-looping on it.</item>
/// </list>
/// Every use goes through <see cref="Read{T}"/> or <see cref="Write{T}"/>, so a reopen never pulls the database out from
/// under a reader.
/// </summary>
public sealed partial class LiteDbFile : IDisposable
{
    private readonly StorageOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.SupportsRecursion);
    private LiteDatabase _db;
    private SafeFileHandle? _log;
    private long _spaceCheckedAt = long.MinValue;
    private bool _spaceLow;
    private volatile bool _broken;
    private long _writes;
    private long _flushes;

    private readonly Func<IOException?>? _flushFault;

    /// <param name="options">Where the file is, and its settings.</param>
    /// <param name="logger">Where close and reopen failures are logged.</param>
    /// <param name="time">The clock of the free-space check.</param>
    /// <param name="flushFault">
    /// Asked before each flush; an exception it returns is thrown as if <c>fdatasync</c> had failed with it (test builds use
    /// it to fail a flush on purpose; null in production).
    /// </param>
    public LiteDbFile(StorageOptions options, ILogger logger, TimeProvider time, Func<IOException?>? flushFault = null)
    {
        _options = options;
        _logger = logger;
        _time = time;
        _flushFault = flushFault;
        Directory.CreateDirectory(options.Path);
        _db = OpenOrReplace();
    }

    /// <summary>Set when the file could not be used and was replaced at start; what it held is in the kept copy.</summary>
    public string? ReplacedBecause { get; private set; }

    /// <summary>Where the unusable file was moved, when it was.</summary>
    public string? KeptCopy { get; private set; }

    /// <summary>How many writes went through <see cref="Write{T}"/> since the file was opened (each is one LiteDB transaction).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>How many flushes of the write-ahead log reached the device since the file was opened.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    public T Read<T>(Func<LiteDatabase, T> read)
    {
        _lock.EnterReadLock();
        try
        {
            return read(_db);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// A write, under the same lock as reads (LiteDB serializes writers itself; the lock only keeps a reopen apart). Throws
    /// <see cref="StoreUnavailableException"/> while the database could not be reopened after an I/O failure.
    /// </summary>
    public T Write<T>(Func<LiteDatabase, T> write)
    {
        if (_broken)
        {
            Reopen();
            if (_broken)
            {
                throw new StoreUnavailableException("the database could not be reopened after an I/O failure", FreeBytes() < 1024 * 1024);
            }
        }

        Interlocked.Increment(ref _writes);
        return Read(write);
    }

    /// <summary>Throws <see cref="StoreUnavailableException"/> when the device is below its free-space reserve (checked at most every 250 ms).</summary>
    public void EnsureSpace()
    {
        var now = _time.GetTimestamp();
        // long.MinValue means "check now" (never checked, or an I/O failure since): the elapsed time from it overflows.
        if (_spaceCheckedAt == long.MinValue || _time.GetElapsedTime(_spaceCheckedAt, now) > TimeSpan.FromMilliseconds(250) || _spaceLow)
        {
            _spaceCheckedAt = now;
            _spaceLow = FreeBytes() < _options.MinFreeMegabytes * 1024 * 1024;
        }

        if (_spaceLow)
        {
            throw new StoreUnavailableException(
                $"the data folder's device has less than {_options.MinFreeMegabytes} MB free (Storage:MinFreeMegabytes)", deviceFull: true);
        }
    }

    /// <summary>
    /// Makes every commit so far durable on the device. When it fails, the file is reopened (a new log handle) and the
    /// caller must not simply flush again: after a failed <c>fdatasync</c> the kernel may have marked the unwritten pages
    /// clean, and a second call on them can succeed without writing anything. The store writes the group again instead
    /// (see <see cref="LiteDbOutcomeStore.Commit"/>), so its pages are dirty again, and flushes those.
    /// </summary>
    public void Flush()
    {
        try
        {
            if (_log is null)
            {
                if (!File.Exists(_options.LogFile))
                {
                    // Nothing was written through the log yet (or a checkpoint removed it): nothing to flush.
                    return;
                }

                _log = File.OpenHandle(_options.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

                // The log file is new: its directory entry must reach the device too.
                Native.FlushDirectory(_options.Path);
            }

            if (_flushFault?.Invoke() is { } fault)
            {
                throw fault;
            }

            Native.FlushData(_log);
            Interlocked.Increment(ref _flushes);
        }
        catch (IOException ex)
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>Turns an I/O failure into the store's own exception and schedules a reopen.</summary>
    public StoreUnavailableException Unavailable(IOException ex)
    {
        _spaceCheckedAt = long.MinValue;
        var full = ex.HResult == Native.NoSpace || (ex.HResult & 0xFFFF) == Native.NoSpace || FreeBytes() < 1024 * 1024;
        Reopen();
        return new StoreUnavailableException(full ? "the data folder's device is full" : "the record cannot be written: " + ex.Message, full, ex);
    }

    public void Dispose()
    {
        _log?.Dispose();
        try
        {
            _db.Dispose();
        }
        catch (Exception ex) when (ex is IOException or LiteException)
        {
            // Disposing checkpoints; on a full device it fails, and the next start recovers from the log instead.
            LogCloseFailed(ex);
        }

        _lock.Dispose();
    }

    private long FreeBytes()
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(_options.Path)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>Closes and opens the database again, so LiteDB's recovery discards a transaction an I/O failure cut short.</summary>
    private void Reopen()
    {
        _lock.EnterWriteLock();
        try
        {
            _log?.Dispose();
            _log = null;
            try
            {
                _db.Dispose();
            }
            catch (Exception ex) when (ex is IOException or LiteException)
            {
                LogCloseFailed(ex);
            }

            _db = Open();
            _broken = false;
        }
        catch (Exception ex) when (ex is IOException or LiteException)
        {
            // Still failing (the device is still full): the next commit attempt tries again.
            _broken = true;
            LogReopenFailed(ex);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private LiteDatabase Open() =>
        new(new ConnectionString { Filename = _options.DatabaseFile, Connection = ConnectionType.Direct })
        {
            CheckpointSize = _options.CheckpointPages,
        };
}
