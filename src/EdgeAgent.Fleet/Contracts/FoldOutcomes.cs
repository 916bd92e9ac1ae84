namespace EdgeAgent.Fleet.Contracts;

/// <summary>The outcomes of a fold: the label of <c>edgeagent_fleet_card_links_total{outcome}</c>.</summary>
public static class FoldOutcomes
{
    /// <summary>Payments of the previous-key card joined the current-key card.</summary>
    public const string Folded = "folded";

    /// <summary>Nothing new: folded before (a replay, another store's link, another silo at the same time).</summary>
    public const string Already = "already";

    /// <summary>Neither card holds anything yet: nothing to fold, nothing bound.</summary>
    public const string Empty = "empty";

    /// <summary>The current-key card took another previous-key card's history before (<see cref="RefusalReasons.LinkConflict"/>).</summary>
    public const string Conflict = "conflict";

    public static readonly string[] All = [Folded, Already, Empty, Conflict];
}
