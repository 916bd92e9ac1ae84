using System.Buffers;
using System.Text.Json;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Writes the answer JSON that terminals receive. The bytes are stored with the outcome, so a retry of the
/// same payment gets exactly these bytes again.
/// </summary>
public static class AnswerWriter
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    public static byte[] Write(Outcome outcome)
    {
        var buffer = _threadBuffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (outcome.TransactionId is { } id)
            {
                json.WriteString("transactionId"u8, id);
            }
            else
            {
                json.WriteNull("transactionId"u8);
            }

            if (outcome.Kind == OutcomeKind.Rejected)
            {
                json.WriteString("status"u8, "rejected"u8);
                json.WriteStartArray("errors"u8);
                foreach (var error in outcome.Errors)
                {
                    json.WriteStartObject();
                    json.WriteString("field"u8, error.Field);
                    json.WriteString("code"u8, error.Code);
                    json.WriteString("message"u8, error.Message);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }
            else
            {
                json.WriteString("status"u8, "scored"u8);
                json.WriteString("decision"u8, DecisionName(outcome.Decision));
                if (outcome.Score is { } score)
                {
                    json.WriteNumber("score"u8, Math.Round(score, 6));
                }
                else
                {
                    json.WriteNull("score"u8);
                    json.WriteString("reason"u8, "model_unavailable"u8);
                }

                if (outcome.Model is { } model)
                {
                    json.WriteStartObject("model"u8);
                    json.WriteString("name"u8, model.Name);
                    json.WriteString("version"u8, model.Version);
                    json.WriteEndObject();
                }
            }

            json.WriteNumber("latencyMs"u8, Math.Round(outcome.LatencyMs, 3));
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The lower-case name used on the wire and in the store.</summary>
    public static string DecisionName(Decision decision) => decision switch
    {
        Decision.Approve => "approve",
        Decision.Review => "review",
        Decision.Decline => "decline",
        _ => throw new ArgumentOutOfRangeException(nameof(decision)),
    };
}
