using System.Text.Json;
using EdgeAgent.Core.Records;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// One recorded outcome as the cloud receives it, written field by field (no reflection, and nothing reaches the
/// cloud that is not named here): the card token, never a card number; rejections with their reasons. Numbers go
/// as short as the cloud needs them: features to three decimals (the amount keeps its cents; a log, ratio or z-score
/// moves by at most 0.0005, below what retraining or a drift histogram can tell apart, and in a compressed batch each
/// decimal of the 22 costs about 4 bytes a record), scores to six, latencies to a hundredth of a millisecond.
/// An alert is the short form of the same record (<see cref="EncodeAlert"/>): its whole record follows in the records stream.
/// </summary>
public static class RecordJson
{
    /// <summary>Decimals a feature value keeps.</summary>
    public const int FeatureDecimals = 3;

    /// <summary>Decimals a score keeps.</summary>
    public const int ScoreDecimals = 6;

    public static byte[] Encode(RecordedOutcome record)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(768);
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, record);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The alert of a review or decline: what a route or an operator acts on at once (the payment by sequence number and
    /// transaction id, the store, when, the decision, score and model, the reason codes), about 250 bytes instead of the
    /// record's 1,000 and more with its reasons. The values behind the reasons, the features and the card token come
    /// with the record, a few seconds later in its batch; the cloud joins the two by <c>seq</c>.
    /// </summary>
    public static byte[] EncodeAlert(RecordedOutcome r)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", r.Sequence);
            WriteIf(json, "transactionId", r.TransactionId);
            WriteIf(json, "storeId", r.StoreId);
            json.WriteString("receivedAt", r.ReceivedAt);
            WriteIf(json, "decision", r.Decision);
            if (r.Score is { } score && double.IsFinite(score))
            {
                json.WriteNumber("score", Math.Round(score, ScoreDecimals));
            }

            WriteIf(json, "model", r.Model);
            WriteIf(json, "modelVersion", r.ModelVersion);
            json.WriteStartArray("reasons");
            foreach (var reason in r.Reasons)
            {
                json.WriteStringValue(reason.Code);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter json, RecordedOutcome r)
    {
        json.WriteStartObject();
        json.WriteNumber("seq", r.Sequence);
        json.WriteString("status", r.Status);
        WriteIf(json, "transactionId", r.TransactionId);
        WriteIf(json, "storeId", r.StoreId);
        WriteIf(json, "terminalId", r.TerminalId);
        json.WriteString("receivedAt", r.ReceivedAt);
        if (r.EventTime is { } eventTime)
        {
            json.WriteString("eventTime", eventTime);
        }

        if (r.Amount is { } amount)
        {
            json.WriteNumber("amount", amount);
        }

        WriteIf(json, "currency", r.Currency);
        WriteIf(json, "cardToken", r.CardToken);
        WriteIf(json, "mcc", r.Mcc);
        WriteIf(json, "channel", r.Channel);
        WriteIf(json, "merchantId", r.MerchantId);
        if (r.Location is { } location)
        {
            json.WriteStartObject("location");
            json.WriteNumber("lat", location.Latitude);
            json.WriteNumber("lon", location.Longitude);
            json.WriteEndObject();
        }

        if (r.Features is { } features)
        {
            json.WriteStartArray("features");
            foreach (var value in features)
            {
                if (float.IsFinite(value))
                {
                    json.WriteNumberValue(Math.Round((double)value, FeatureDecimals));
                }
                else
                {
                    json.WriteNullValue();
                }
            }

            json.WriteEndArray();
        }

        if (r.Score is { } score && double.IsFinite(score))
        {
            json.WriteNumber("score", Math.Round(score, ScoreDecimals));
        }

        WriteIf(json, "decision", r.Decision);
        WriteIf(json, "model", r.Model);
        WriteIf(json, "modelVersion", r.ModelVersion);
        if (r.ShadowScore is { } shadow && double.IsFinite(shadow))
        {
            json.WriteNumber("shadowScore", Math.Round(shadow, ScoreDecimals));
        }

        WriteIf(json, "shadowModel", r.ShadowModel);
        if (r.Reasons.Count > 0)
        {
            json.WriteStartArray("reasons");
            foreach (var reason in r.Reasons)
            {
                json.WriteStartObject();
                json.WriteString("code", reason.Code);
                json.WriteString("feature", reason.Feature);
                json.WriteNumber("value", Math.Round((double)reason.Value, 4));
                json.WriteNumber("contribution", Math.Round((double)reason.Contribution, 4));
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        if (r.Status == "scored")
        {
            json.WriteNumber("latencyMs", Math.Round(r.LatencyMs, 2));
        }

        WriteIf(json, "topic", r.Topic);
        if (r.Errors.Count > 0)
        {
            json.WriteStartArray("errors");
            foreach (var error in r.Errors)
            {
                json.WriteStartObject();
                json.WriteString("field", error.Field);
                json.WriteString("code", error.Code);
                json.WriteString("message", error.Message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteIf(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
