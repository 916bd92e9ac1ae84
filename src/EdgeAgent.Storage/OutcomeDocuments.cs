using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Records;
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
    /// One document a batch rather than one a payment: at 64 payments a commit takes 40 % less time and allocates a
    /// quarter as much (docs/benchmarks.md); it matters at high rates, where batches fill. The sequence numbers of
    /// a batch are consecutive.
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

        if (outcome.ShadowScore is { } shadowScore)
        {
            doc["shadowScore"] = shadowScore;
            doc["shadowModel"] = outcome.ShadowModel?.ToString();
        }

        return doc;
    }

    /// <summary>What a recorded payment added to the feature state, for the replay at start.</summary>
    public static FeatureUpdate Update(BsonDocument doc) => new(
        doc["card"].AsString,
        FeatureExtractor.MerchantKey(doc["merchant"].AsString),
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
            ["_id"] = outcome.Sequence,
            ["receivedAt"] = outcome.Message.ReceivedAt.UtcDateTime,
            ["topic"] = outcome.Message.Topic,
            ["txId"] = outcome.TransactionId,
            ["errors"] = errors,
            ["payload"] = outcome.RedactedPayload,
            ["answer"] = outcome.Answer.Answer,
        };
    }

    /// <summary>A scored outcome as the log hands it on.</summary>
    public static RecordedOutcome Recorded(BsonDocument o) => new()
    {
        Sequence = o["seq"].AsInt64,
        Status = "scored",
        TransactionId = o["txId"].AsString,
        StoreId = o["store"].AsString,
        TerminalId = o["terminal"].AsString,
        ReceivedAt = ToOffset(o["receivedAt"]),
        EventTime = DateTimeOffset.FromUnixTimeMilliseconds(o["eventMs"].AsInt64).ToOffset(TimeSpan.FromMinutes(o["tzOffsetMin"].AsInt32)),
        Amount = o["amount"].AsDecimal,
        Currency = o["currency"].AsString,
        CardToken = o["card"].AsString,
        Mcc = o["mcc"].AsString,
        Channel = o["channel"].AsString,
        MerchantId = o["merchant"].AsString,
        Location = o.ContainsKey("lat") ? new GeoPoint(o["lat"].AsDouble, o["lon"].AsDouble) : null,
        Features = BinaryArrays.To<float>(o["features"].AsBinary),
        Score = o["score"].IsNull ? null : o["score"].AsDouble,
        Decision = o["decision"].AsString,
        Model = o["model"].AsString,
        ModelVersion = o["modelVersion"].AsString,
        LatencyMs = o["latencyMs"].AsDouble,
        ShadowScore = o.TryGetValue("shadowScore", out var shadowScore) ? shadowScore.AsDouble : null,
        ShadowModel = o.TryGetValue("shadowModel", out var shadowModel) ? shadowModel.AsString : null,
    };

    /// <summary>A rejection as the log hands it on (without the payload: it stays on the node).</summary>
    public static RecordedOutcome RecordedRejection(BsonDocument d) => new()
    {
        Sequence = d["_id"].AsInt64,
        Status = "rejected",
        TransactionId = d["txId"].IsNull ? null : d["txId"].AsString,
        ReceivedAt = ToOffset(d["receivedAt"]),
        Topic = d["topic"].AsString,
        Errors = d["errors"].AsArray
            .Select(e => new ValidationError(e["field"].AsString, e["code"].AsString, e["message"].AsString))
            .ToList(),
    };

    private static DateTimeOffset ToOffset(BsonValue value) => new(DateTime.SpecifyKind(value.AsDateTime.ToUniversalTime(), DateTimeKind.Utc));
}
