using EdgeAgent.Core.Records;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// Follows the record as it is committed and queues its reviews and declines as alerts, which go to the cloud ahead
/// of the records backlog. It reads the record, so the hot path stays untouched; an alert whose record was already
/// sent is not queued. Its position is kept in the checkpoint table; a restart may scan a batch twice, which queues
/// nothing twice (alerts are keyed by sequence number).
/// </summary>
public sealed class AlertScanner
{
    private const string StateId = "alerts-scan";
    private readonly IOutcomeLog _log;
    private readonly QueueStream _alerts;
    private readonly RecordStream _records;
    private readonly ICheckpointTable _store;
    private long _scanned;

    public AlertScanner(IOutcomeLog log, QueueStream alerts, RecordStream records, ICheckpointTable store)
    {
        _log = log;
        _alerts = alerts;
        _records = records;
        _store = store;
        _scanned = Math.Max(store.LoadValue(StateId), records.State.Checkpoint);
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
            if (record.IsAlert && record.Sequence > sent && _alerts.Append(record.Sequence, record.ReceivedAt, RecordJson.Encode(record)))
            {
                queued++;
            }
        }

        Interlocked.Exchange(ref _scanned, batch[^1].Sequence);
        _store.SaveValue(StateId, batch[^1].Sequence);
        return queued;
    }
}
