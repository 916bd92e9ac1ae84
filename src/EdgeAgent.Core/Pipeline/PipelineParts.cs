using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>What the scoring pipeline is built from: the adapters behind its seams, its settings and its clock.</summary>
public sealed class PipelineParts
{
    /// <summary>Validates and tokenizes each payload.</summary>
    public required PaymentParser Parser { get; init; }

    /// <summary>The live model.</summary>
    public required IScorerSource Scorers { get; init; }

    /// <summary>A shadow model scored beside the live one, or null.</summary>
    public IScorerSource? Shadow { get; init; }

    /// <summary>The durable record.</summary>
    public required IOutcomeStore Store { get; init; }

    /// <summary>Sends answers to terminals.</summary>
    public required IAnswerPublisher Publisher { get; init; }

    /// <summary>The answers written ahead of the record, or null to do without (then a crash before a commit means scoring again).</summary>
    public IAnswerJournal? Journal { get; init; }

    /// <summary>Crash accounting for poison messages, or null to do without.</summary>
    public IPoisonLedger? Ledger { get; init; }

    /// <summary>The pipeline's settings.</summary>
    public required PipelineOptions Options { get; init; }

    /// <summary>The limits a payment must respect.</summary>
    public required ValidationOptions Validation { get; init; }

    /// <summary>Turns scores into decisions.</summary>
    public required DecisionPolicy Decisions { get; init; }

    /// <summary>This host's instruments.</summary>
    public required PipelineMetrics Metrics { get; init; }

    /// <summary>The clock, a fake one in tests.</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>The pipeline's log.</summary>
    public required ILogger Logger { get; init; }

    /// <summary>The drift watch, fed with every scored payment; null to do without.</summary>
    public Scoring.Drift.DriftMonitor? Drift { get; init; }

    /// <summary>Told at the crash-safety points (fault injection in test builds), or null.</summary>
    public IRecordingObserver? Observer { get; init; }

    /// <summary>
    /// The feature state, when the host shares it with the fleet link, which only offers it the other stores' profiles
    /// through its thread-safe members; null: the pipeline makes its own. Either way the scoring loop is its one owner.
    /// </summary>
    public Features.FeatureState? FeatureState { get; init; }

    /// <summary>Asks the fleet for the profiles of cards the store sees for the first time, before their batch is scored; null without a fleet.</summary>
    public IFirstSightFetch? FirstSight { get; init; }

    /// <summary>Closed while the record cannot be written; shared with whoever reports readiness.</summary>
    public IntakeGate Gate { get; init; } = new();
}
