using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using LiteDB;

namespace EdgeAgent.Storage;

/// <summary>
/// BSON shapes of outcomes and dead letters, written by hand rather than through BsonMapper: no reflection on
/// the hot path, and a card number cannot slip into the record through a property someone adds later.
/// </summary>
internal static class OutcomeDocuments
{
    /// <summary>
    /// The scored payments of one scoring batch as one document, under the sequence number of its first payment.
    /// One document a batch rather than one a payment halves LiteDB's cost per payment and cuts what it allocates
    /// to a third, at high rates where batches fill; the sequence numbers of a batch are consecutive.
    /// </summary>
    public static BsonDocument Batch(IReadOnlyList<Outcome> scored)
    {
        var outcomes = new BsonArray();
        foreach (var outcome in scored)
        {
            outcomes.Add(Scored(outcome));
        }

        return new BsonDocument { ["_id"] = scored[0].Sequence, ["last"] = scored[^1].Sequence, ["o"] = outcomes };
    }

    /// <summary>The outcomes of a batch document, in sequence order.</summary>
    public static IEnumerable<BsonDocument> Outcomes(BsonDocument batch) => batch["o"].AsArray.Select(o => o.AsDocument);

    private static BsonDocument Scored(Outcome outcome)
    {
        var e = outcome.Event!;
        var doc = new BsonDocument
        {
            ["seq"] = outcome.Sequence,
            ["key"] = outcome.Key,
            ["txId"] = e.TransactionId,
            ["store"] = e.StoreId,
            ["terminal"] = e.TerminalId,
            ["receivedAt"] = outcome.Message.ReceivedAt.UtcDateTime,
            ["eventMs"] = e.Timestamp.ToUnixTimeMilliseconds(),
            ["tzOffsetMin"] = (int)e.Timestamp.Offset.TotalMinutes,
            ["amount"] = e.Amount,
            ["currency"] = e.Currency,
            ["card"] = e.CardToken,
            ["mcc"] = e.Mcc,
            ["channel"] = e.Channel == PaymentChannel.Ecommerce ? "ecommerce" : "pos",
            ["merchant"] = e.MerchantId,
            ["features"] = BinaryArrays.From<float>(outcome.Features),
            ["score"] = outcome.Score is { } score ? score : BsonValue.Null,
            ["decision"] = AnswerWriter.DecisionName(outcome.Decision),
            ["model"] = outcome.Model?.Name,
            ["modelVersion"] = outcome.Model?.Version,
            ["latencyMs"] = outcome.LatencyMs,
            ["answer"] = outcome.Answer.Answer,
        };
        if (e.Location is { } location)
        {
            doc["lat"] = location.Latitude;
            doc["lon"] = location.Longitude;
        }

        return doc;
    }

    /// <summary>What a recorded payment added to the feature state, for the replay at start.</summary>
    public static FeatureUpdate Update(BsonDocument doc) => new(
        doc["card"].AsString,
        FeatureExtractor.TerminalKey(doc["store"].AsString, doc["terminal"].AsString),
        doc["eventMs"].AsInt64,
        (double)doc["amount"].AsDecimal,
        doc.ContainsKey("lat") ? new GeoPoint(doc["lat"].AsDouble, doc["lon"].AsDouble) : null);

    public static BsonDocument DeadLetter(Outcome outcome)
    {
        var errors = new BsonArray();
        foreach (var error in outcome.Errors)
        {
            errors.Add(new BsonDocument { ["field"] = error.Field, ["code"] = error.Code, ["message"] = error.Message });
        }

        return new BsonDocument
        {
            ["_id"] = outcome.Key,
            ["receivedAt"] = outcome.Message.ReceivedAt.UtcDateTime,
            ["topic"] = outcome.Message.Topic,
            ["txId"] = outcome.TransactionId,
            ["errors"] = errors,
            ["payload"] = outcome.RedactedPayload,
            ["answer"] = outcome.Answer.Answer,
        };
    }
}
