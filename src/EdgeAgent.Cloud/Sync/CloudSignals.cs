namespace EdgeAgent.Cloud.Sync;

/// <summary>The wake-ups between the sync's loops: new data or a connection for the pump, new commits for the alert scanner.</summary>
public sealed class CloudSignals
{
    public AsyncSignal Pump { get; } = new();

    public AsyncSignal Scan { get; } = new();

    public AsyncSignal Snapshot { get; } = new();

    /// <summary>What the record's commit event calls: cheap, never blocks the commit loop.</summary>
    public void OnCommitted(long sequence)
    {
        Scan.Set();
        Pump.Set();
    }
}
