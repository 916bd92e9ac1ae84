namespace EdgeAgent.Simulator.Pipelines;

/// <summary>One variant of the edge agent: its settings, an open-loop latency run and a closed-loop capacity run; or why it did not run.</summary>
public sealed record AblationResult
{
    public required string Variant { get; init; }

    public required string Settings { get; init; }

    /// <summary>The variant its deltas are taken against.</summary>
    public string Against { get; init; } = "shipped";

    public StepResult? Latency { get; init; }

    /// <summary>Payments answered per second with a fixed number outstanding.</summary>
    public double? Capacity { get; init; }

    /// <summary>Why it did not run; null when it ran.</summary>
    public string? NotRun { get; init; }
}
