namespace EdgeAgent.Fleet.Contracts;

/// <summary>Why the fleet refused a delta or a batch: the label of edgeagent_fleet_refusals_total{reason}.</summary>
public static class RefusalReasons
{
    public const string BatchTooLarge = "batch_too_large";
    public const string BadStore = "bad_store";
    public const string UnknownSchema = "unknown_schema";
    public const string WrongCard = "wrong_card";
    public const string BadPaymentId = "bad_payment_id";
    public const string CardNumber = "card_number";
    public const string Future = "future";
    public const string Expired = "expired";
    public const string BadAmount = "bad_amount";
    public const string BadPlace = "bad_place";
    public const string Conflict = "conflict";
    public const string TooManyStores = "too_many_stores";

    /// <summary>An uplink message from a store the fleet does not know (<c>Fleet:KnownStores</c>).</summary>
    public const string UnknownStore = "unknown_store";

    /// <summary>An uplink message whose store id differs from the store its sender is authenticated as (the topic).</summary>
    public const string ForgedStore = "forged_store";

    /// <summary>An uplink message larger than <c>Fleet:MaxUplinkMessageBytes</c>.</summary>
    public const string Oversized = "oversized";

    /// <summary>A compressed uplink message that inflates past <c>UplinkPayload.MaxInflatedBytes</c> (a compression bomb).</summary>
    public const string InflatedOversized = "inflated_oversized";

    /// <summary>An uplink message that does not decode as a batch of deltas.</summary>
    public const string Malformed = "malformed";

    /// <summary>An uplink message whose tokens were made with a key other than the fleet's (<c>Fleet:KeyFingerprints</c>).</summary>
    public const string ForeignKey = "foreign_key";

    /// <summary>
    /// A card's previous-key token named for a key the fleet does not list (<c>Fleet:KeyFingerprints</c>), or for the
    /// batch's own key: no rotation is under way with that key. The deltas themselves are recorded.
    /// </summary>
    public const string LinkForeignKey = "link_foreign_key";

    /// <summary>A previous-key token that is not a token, or one with the current token's key id (or the current token itself).</summary>
    public const string BadLink = "bad_link";

    /// <summary>
    /// A link the fleet already decided otherwise: the current-key card took another previous-key card's history, or the
    /// previous-key card's history went to another current-key card. The first link stays.
    /// </summary>
    public const string LinkConflict = "link_conflict";
}
