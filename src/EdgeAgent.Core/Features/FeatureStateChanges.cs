namespace EdgeAgent.Core.Features;

/// <summary>The card and terminal state that one batch of payments changed.</summary>
public sealed record FeatureStateChanges(IReadOnlyList<CardHistorySnapshot> Cards, IReadOnlyList<TerminalActivitySnapshot> Terminals)
{
    public static FeatureStateChanges None { get; } = new([], []);
}
