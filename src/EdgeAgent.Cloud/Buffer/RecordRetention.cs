using EdgeAgent.Core.Records;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// Deletes outcomes from the record once they are sent (or dropped) and older than the deduplication window: the
/// agent answers a retry from the record within that window. Deletion goes in small steps so that the commit loop,
/// which writes to the record too, never waits long; the record itself refuses to delete the journal after its
/// last state snapshot.
/// </summary>
public sealed class RecordRetention
{
    private const string StateId = "retention";
    private const int Step = 2000;
    private readonly IOutcomeLog _log;
    private readonly ICheckpointTable _store;
    private readonly TimeSpan _window;
    private long _deletedUpTo;

    public RecordRetention(IOutcomeLog log, ICheckpointTable store, TimeSpan window)
    {
        _log = log;
        _store = store;
        _window = window;
        _deletedUpTo = store.LoadValue(StateId);
    }

    /// <summary>One step: deletes up to <see cref="Step"/> outcomes; returns how many were removed.</summary>
    public int RunOnce(DateTimeOffset now, long sentUpTo)
    {
        var cutoff = now - _window;
        if (_log.ReadAfter(_deletedUpTo, 1) is not [var first] || first.Sequence > sentUpTo || first.ReceivedAt >= cutoff)
        {
            return 0;
        }

        var boundary = _deletedUpTo;
        foreach (var record in _log.ReadAfter(_deletedUpTo, Step))
        {
            if (record.Sequence > sentUpTo || record.ReceivedAt >= cutoff)
            {
                break;
            }

            boundary = record.Sequence;
        }

        if (boundary <= _deletedUpTo)
        {
            return 0;
        }

        var removed = _log.DeleteUpTo(boundary);

        // What the record kept (its journal, a batch that straddles the boundary) is tried again next time.
        var kept = _log.ReadAfter(_deletedUpTo, 1) is [var remaining] && remaining.Sequence <= boundary ? remaining.Sequence - 1 : boundary;
        _deletedUpTo = kept;
        _store.SaveValue(StateId, kept);
        return removed;
    }
}
