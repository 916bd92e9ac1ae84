using EdgeAgent.Core.Records;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// Follows the record as it is committed and queues its reviews and declines as alerts (their short form: the record
/// follows in its batch), which go to the cloud ahead of the records backlog. It reads the record, so the hot path
/// stays untouched; an alert whose record was already sent is not queued. Its position is kept in the checkpoint table,
/// written when a scan queued an alert (so an alert once queued, and perhaps sent and removed since, is never scanned
/// again) and otherwise every <see cref="SaveEvery"/> outcomes. The scan follows every commit, and at light load a
/// commit is one payment: writing the position after each would add a LiteDB transaction per payment. A restart scans
/// again what came after the position written, which holds no alert queued before, and queues nothing twice (alerts are
/// keyed by sequence number).
/// </summary>
public sealed class AlertScanner
{
    /// <summary>How far the scan may get past its written position while it queues nothing: what a restart scans again at most.</summary>
    public const int SaveEvery = 10_000;

    private const string StateId = "alerts-scan";
    private readonly IOutcomeLog _log;
    private readonly QueueStream _alerts;
    private readonly RecordStream _records;
    private readonly ICheckpointTable _store;
    private long _scanned;
    private long _saved;

    public AlertScanner(IOutcomeLog log, QueueStream alerts, RecordStream records, ICheckpointTable store)
    {
        _log = log;
        _alerts = alerts;
        _records = records;
        _store = store;
        _scanned = Math.Max(store.LoadValue(StateId), records.State.Checkpoint);
        _saved = _scanned;
    }

    /// <summary>The last sequence number scanned.</summary>
    public long Scanned => Interlocked.Read(ref _scanned);

    /// <summary>Scans the next outcomes; returns how many alerts were queued, or -1 when nothing new was committed.</summary>
    public int ScanOnce(int max = 1000)
    {
        var scanned = Scanned;
        if (_log.LastSequence <= scanned)
        {
            return -1;
        }

        var batch = _log.ReadAfter(scanned, max);
        if (batch.Count == 0)
        {
            return -1;
        }

        var sent = _records.State.Checkpoint;
        var queued = 0;
        foreach (var record in batch)
        {
            if (record.IsAlert && record.Sequence > sent && _alerts.Append(record.Sequence, record.ReceivedAt, RecordJson.EncodeAlert(record)))
            {
                queued++;
            }
        }

        var last = batch[^1].Sequence;
        Interlocked.Exchange(ref _scanned, last);
        if (queued > 0 || last - _saved >= SaveEvery)
        {
            _store.SaveValue(StateId, last);
            _saved = last;
        }

        return queued;
    }
}
