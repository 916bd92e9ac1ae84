using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>What the scoring pipeline is built from: the adapters behind its seams, its settings and its clock.</summary>
public sealed class PipelineParts
{
    public required PaymentParser Parser { get; init; }

    public required IScorerSource Scorers { get; init; }

    /// <summary>A shadow model scored beside the live one, or null.</summary>
    public IScorerSource? Shadow { get; init; }

    public required IOutcomeStore Store { get; init; }

    public required IAnswerPublisher Publisher { get; init; }

    /// <summary>The answers written ahead of the record, or null to do without (then a crash before a commit means scoring again).</summary>
    public IAnswerJournal? Journal { get; init; }

    /// <summary>Crash accounting for poison messages, or null to do without.</summary>
    public IPoisonLedger? Ledger { get; init; }

    public required PipelineOptions Options { get; init; }

    public required ValidationOptions Validation { get; init; }

    public required DecisionPolicy Decisions { get; init; }

    public required PipelineMetrics Metrics { get; init; }

    public required TimeProvider Time { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>The drift watch, fed with every scored payment; null to do without.</summary>
    public Scoring.Drift.DriftMonitor? Drift { get; init; }

    /// <summary>Told at the crash-safety points (fault injection in test builds), or null.</summary>
    public IRecordingObserver? Observer { get; init; }

    /// <summary>Closed while the record cannot be written; shared with whoever reports readiness.</summary>
    public IntakeGate Gate { get; init; } = new();
}
