namespace EdgeAgent.Simulator.Pipelines;

/// <summary>What one pipeline did: its scoring pass (scores by transaction id) and its step search.</summary>
public sealed record ArchitectureResult
{
    public required Architecture Architecture { get; init; }

    public required int ScoringSent { get; init; }

    public required int ScoringAnswered { get; init; }

    /// <summary>Score of each answered payment of the scoring pass, by the sample's transaction id; NaN for an answer without a score (a refusal).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, double> Scores { get; init; } = new Dictionary<string, double>();

    public required IReadOnlyList<StepResult> Steps { get; init; }

    /// <summary>The highest offered rate carried (every payment answered, no queue growth), 0 when none was.</summary>
    public double SustainedRate => Steps.Where(s => s.Carried).Select(s => s.OfferedRate).DefaultIfEmpty(0).Max();

    /// <summary>The step at the reference rate, or null when the search stopped below it.</summary>
    public StepResult? Reference { get; init; }
}
