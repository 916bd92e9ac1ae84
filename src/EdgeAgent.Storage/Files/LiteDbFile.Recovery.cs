using LiteDB;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Storage.Files;

/// <summary>Opening the file at start, and what happens when it cannot be used.</summary>
public sealed partial class LiteDbFile
{
    /// <summary>
    /// Opens the database and reads a little of every collection; a file that fails (not a LiteDB file, truncated, a broken
    /// page) is moved aside with its log and a new one is created. The data in the kept copy is not lost, only not used:
    /// an operator can take it for forensics; the cloud already has what it synced.
    /// </summary>
    private LiteDatabase OpenOrReplace()
    {
        try
        {
            var db = Open();
            try
            {
                Probe(db);
                return db;
            }
            catch
            {
                db.Dispose();
                throw;
            }
        }
        catch (Exception ex) when (IsCorruption(ex))
        {
            Replace(ex);
            return Open();
        }
    }

    /// <summary>
    /// When a read at start (the feature state, the duplicate window) finds the file broken after it opened: replaces it and
    /// returns true, so the caller starts empty instead of crash-looping.
    /// </summary>
    public bool ReplaceIfCorrupt(Exception ex)
    {
        if (!IsCorruption(ex))
        {
            return false;
        }

        _lock.EnterWriteLock();
        try
        {
            try
            {
                _db.Dispose();
            }
            catch (Exception disposeError) when (IsCorruption(disposeError) || disposeError is IOException)
            {
                LogCloseFailed(disposeError);
            }

            Replace(ex);
            _db = Open();
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>What a broken file throws: LiteDB's own errors, and what its readers throw on garbage pages.</summary>
    public static bool IsCorruption(Exception ex) =>
        ex is LiteException or InvalidDataException or InvalidCastException or IndexOutOfRangeException
            or ArgumentOutOfRangeException or ArgumentException or NullReferenceException or OverflowException or EndOfStreamException
        || (ex is AggregateException aggregate && aggregate.InnerExceptions.Any(IsCorruption));

    private static void Probe(LiteDatabase db)
    {
        foreach (var name in db.GetCollectionNames())
        {
            var collection = db.GetCollection(name);
            _ = collection.Query().Limit(1).FirstOrDefault();
            _ = collection.Query().OrderByDescending("_id").Limit(1).FirstOrDefault();
        }
    }

    private void Replace(Exception reason)
    {
        var stamp = _time.GetUtcNow().ToString("yyyyMMddTHHmmssZ", System.Globalization.CultureInfo.InvariantCulture);
        var kept = _options.DatabaseFile + ".corrupt-" + stamp;
        if (File.Exists(_options.DatabaseFile))
        {
            File.Move(_options.DatabaseFile, kept, overwrite: true);
        }

        if (File.Exists(_options.LogFile))
        {
            File.Move(_options.LogFile, kept + "-log", overwrite: true);
        }

        ReplacedBecause = reason.Message;
        KeptCopy = kept;
        LogReplaced(reason, kept);
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Critical, Message = "The database file could not be used and was moved aside to {Kept}; the agent starts with a new one (its feature state and duplicate window start empty)")]
    private partial void LogReplaced(Exception exception, string kept);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Closing the database failed; the next start recovers from its log")]
    private partial void LogCloseFailed(Exception exception);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Reopening the database failed; trying again at the next commit")]
    private partial void LogReopenFailed(Exception exception);
}
