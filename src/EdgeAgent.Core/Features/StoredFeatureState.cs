namespace EdgeAgent.Core.Features;

/// <summary>The persisted feature state: the last snapshot of cards and terminals, and the journal of payments since.</summary>
public sealed record StoredFeatureState(
    IReadOnlyList<CardHistorySnapshot> Cards,
    IReadOnlyList<TerminalActivitySnapshot> Terminals,
    IReadOnlyList<FeatureUpdate> Journal);
