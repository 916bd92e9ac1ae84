using System.Diagnostics.Metrics;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Telemetry;

/// <summary>
/// The agent's state as observable instruments on its meter, read when the exporter or the reader asks:
/// readiness, what waits in the pipeline, the model and its execution provider, model swaps, and the uplink.
/// Built once when the host starts serving.
/// </summary>
public sealed class AgentInstruments
{
    public const string Ready = "edgeagent.ready";
    public const string AgentInfo = "edgeagent.agent.info";
    public const string InFlight = "edgeagent.pipeline.in_flight";
    public const string Queued = "edgeagent.pipeline.queued";
    public const string Unrecorded = "edgeagent.pipeline.unrecorded";
    public const string CardsInMemory = "edgeagent.pipeline.cards";
    public const string MerchantsInMemory = "edgeagent.pipeline.merchants";
    public const string StateEvictions = "edgeagent.pipeline.state_evictions";
    public const string StateColdReads = "edgeagent.pipeline.state_cold_reads";
    public const string ModelInfo = "edgeagent.model.info";
    public const string ModelSwaps = "edgeagent.model.swaps";
    public const string ModelSwapRefusals = "edgeagent.model.swap_refusals";
    public const string IntakePaused = "edgeagent.intake.paused";
    public const string DuplicateKeys = "edgeagent.duplicates.keys";
    public const string DuplicatesEvicted = "edgeagent.duplicates.evicted";

    public AgentInstruments(IMeterFactory meterFactory, AgentStatus status)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(status);
        var meter = meterFactory.Create(AgentMeter.Name);
        meter.CreateObservableGauge(Ready, () => status.IsReady ? 1 : 0, null, "1 when the agent takes payments (see /health/ready for why not).");
        meter.CreateObservableGauge(AgentInfo, () => new Measurement<int>(1,
            new KeyValuePair<string, object?>("version", AgentStatus.Version), new KeyValuePair<string, object?>("mode", status.State.Mode)),
            null, "The agent's version and mode (scoring or echo); always 1.");
        meter.CreateObservableUpDownCounter(InFlight, () => status.Readings.InFlight, "{message}", "Messages received and not yet acknowledged.");
        meter.CreateObservableUpDownCounter(Queued, () => status.Pipeline?.QueuedMessages ?? 0, "{message}", "Messages waiting for the scoring loop.");
        meter.CreateObservableUpDownCounter(Unrecorded, () => status.Pipeline?.UnrecordedPayments ?? 0, "{payment}",
            "Payments answered and not yet recorded and acknowledged (bounded by Pipeline:RecordBacklog; the device's lag).");
        meter.CreateObservableUpDownCounter(CardsInMemory, () => status.Pipeline?.CardsInMemory ?? 0, "{card}", "Card histories held in memory.");
        meter.CreateObservableUpDownCounter(MerchantsInMemory, () => status.Pipeline?.MerchantsInMemory ?? 0, "{merchant}", "Merchant activity held in memory.");
        meter.CreateObservableCounter(StateEvictions, () => status.Pipeline?.StateEvictions ?? 0, "{entity}",
            "Cards and merchants that left memory for the record over the caps (Pipeline:MaxCardsInMemory, MaxMerchantsInMemory).");
        meter.CreateObservableCounter(StateColdReads, () => status.Pipeline?.ColdReads ?? 0, "{entity}",
            "Card or merchant states the scoring loop read from the record itself because intake could not read them ahead.");
        meter.CreateObservableGauge(ModelInfo, () => status.Model is { } model
            ? [new Measurement<int>(1,
                new KeyValuePair<string, object?>("name", model.Model.Name),
                new KeyValuePair<string, object?>("version", model.Model.Version),
                new KeyValuePair<string, object?>("provider", model.Provider.Name))]
            : Array.Empty<Measurement<int>>(), null, "The active model and its execution provider; always 1.");
        meter.CreateObservableGauge(IntakePaused, () => status.Pipeline?.Gate.PausedReason is { } reason
            ? [new Measurement<int>(1, new KeyValuePair<string, object?>("reason", reason))]
            : Array.Empty<Measurement<int>>(), null, "1 while intake is paused because the record cannot be written, with the reason.");
        meter.CreateObservableUpDownCounter(DuplicateKeys, () => status.Pipeline?.DuplicateKeys ?? 0, "{payment}", "Payments remembered for duplicate detection.");
        meter.CreateObservableCounter(DuplicatesEvicted, () => status.Pipeline?.DuplicatesEvicted ?? 0, "{payment}",
            "Payments pushed out of the duplicate window by its cap before their time (Pipeline:MaxDuplicateKeys).");
        meter.CreateObservableCounter(ModelSwaps, () => status.Registry?.Swaps ?? 0, "{swap}", "Model switches (file change, command, twin).");
        meter.CreateObservableCounter(ModelSwapRefusals, () => status.Registry?.Refusals ?? 0, "{swap}", "Model switches refused: the model failed its checks; the active one stayed.");
        if (status.Cloud is { Enabled: true } cloud)
        {
            Cloud.Telemetry.CloudInstruments.Register(meterFactory, cloud);
        }
    }
}
