namespace EdgeAgent.Fleet.Contracts;

/// <summary>
/// What the fleet keeps of an agent's reported properties (<c>{root}/{store}/reported</c>, retained): the version of
/// the desired document it last applied, the card it runs, and what became of its last model request, so that a
/// rollout sees a refused model at once rather than as a store that never shows the new version.
/// </summary>
[GenerateSerializer]
[Alias("EdgeAgent.Fleet.StoreReport")]
public sealed record StoreReport
{
    [Id(0)] public required string StoreId { get; init; }

    /// <summary>When the fleet received it.</summary>
    [Id(1)] public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The <c>$version</c> of the last desired document the agent applied (<c>desired.version</c>).</summary>
    [Id(2)] public long DesiredVersion { get; init; }

    /// <summary>The card the agent scores with (<c>model.card</c>).</summary>
    [Id(3)] public string? ActiveCard { get; init; }

    /// <summary>The card its last model request asked for (<c>model.request.card</c>).</summary>
    [Id(4)] public string? RequestCard { get; init; }

    /// <summary>The sha256 of that request's assignment, lower case; null for a request by card name.</summary>
    [Id(5)] public string? RequestSha256 { get; init; }

    /// <summary><c>active</c> or <c>refused</c>.</summary>
    [Id(6)] public string? RequestOutcome { get; init; }

    /// <summary>The agent's refusal tag (<c>signature</c>, <c>sha256</c>, <c>download</c>, …) when refused.</summary>
    [Id(7)] public string? RefusalReason { get; init; }

    /// <summary>The agent's words for the refusal.</summary>
    [Id(8)] public string? RefusalDetail { get; init; }

    /// <summary>Whether this report says the agent refused the assignment of <paramref name="model"/> sent as desired version <paramref name="version"/> or later.</summary>
    public bool Refused(RolloutModel model, long version) =>
        RequestOutcome == "refused"
        && DesiredVersion >= version
        && string.Equals(RequestCard, model.CardName, StringComparison.Ordinal)
        && (RequestSha256 is null || string.Equals(RequestSha256, model.Sha256, StringComparison.OrdinalIgnoreCase));
}
