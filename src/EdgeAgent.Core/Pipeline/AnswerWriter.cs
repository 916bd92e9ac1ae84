using System.Buffers;
using System.Text.Json;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Writes the answers that terminals receive, one batch at a time, with one reused <see cref="Utf8JsonWriter"/> into one
/// reused buffer; <see cref="Seal"/> then copies the batch's answers into a single array that the outcomes slice. The
/// bytes are recorded with each outcome, so a repeat of the same payment gets exactly these bytes again. Used by the
/// scoring loop only.
/// </summary>
public sealed class AnswerWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _json;

    /// <summary>A writer with its own buffer, reused for every batch.</summary>
    public AnswerWriter()
    {
        _json = new Utf8JsonWriter(_buffer);
    }

    /// <summary>Starts a batch.</summary>
    public void Begin()
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
    }

    /// <summary>Writes a scored payment's answer; returns where it lies in the batch.</summary>
    public Range Scored(string transactionId, Decision decision, double? score, string? fallbackReason, ModelIdentity? model, ReadOnlySpan<Reason> reasons,
        double latencyMs)
    {
        var start = Start();
        _json.WriteString("transactionId"u8, transactionId);
        _json.WriteString("status"u8, "scored"u8);
        _json.WriteString("decision"u8, DecisionName(decision));
        if (score is { } s)
        {
            _json.WriteNumber("score"u8, Math.Round(s, 6));
        }
        else
        {
            _json.WriteNull("score"u8);
            _json.WriteString("reason"u8, fallbackReason ?? FallbackReasons.ModelUnavailable);
        }

        if (model is { } m)
        {
            _json.WriteStartObject("model"u8);
            _json.WriteString("name"u8, m.Name);
            _json.WriteString("version"u8, m.Version);
            _json.WriteEndObject();
        }

        if (!reasons.IsEmpty)
        {
            _json.WriteStartArray("reasons"u8);
            foreach (var reason in reasons)
            {
                _json.WriteStartObject();
                _json.WriteString("code"u8, reason.Code);
                _json.WriteString("feature"u8, reason.Feature);
                _json.WriteNumber("value"u8, Math.Round((double)reason.Value, 4));
                _json.WriteEndObject();
            }

            _json.WriteEndArray();
        }

        return End(start, latencyMs);
    }

    /// <summary>Writes a rejection; returns where it lies in the batch.</summary>
    public Range Rejected(string? transactionId, IReadOnlyList<ValidationError> errors, double latencyMs)
    {
        var start = Start();
        if (transactionId is { } id)
        {
            _json.WriteString("transactionId"u8, id);
        }
        else
        {
            _json.WriteNull("transactionId"u8);
        }

        _json.WriteString("status"u8, "rejected"u8);
        _json.WriteStartArray("errors"u8);
        foreach (var error in errors)
        {
            _json.WriteStartObject();
            _json.WriteString("field"u8, error.Field);
            _json.WriteString("code"u8, error.Code);
            _json.WriteString("message"u8, error.Message);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        return End(start, latencyMs);
    }

    /// <summary>The batch's answers in one new array (they outlive the batch: the record, the broker and repeats hold them).</summary>
    public byte[] Seal()
    {
        _json.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc/>
    public void Dispose() => _json.Dispose();

    /// <summary>The lower-case name used on the wire and in the store.</summary>
    public static string DecisionName(Decision decision) => decision switch
    {
        Decision.Approve => "approve",
        Decision.Review => "review",
        Decision.Decline => "decline",
        _ => throw new ArgumentOutOfRangeException(nameof(decision)),
    };

    private int Start()
    {
        _json.Flush();
        _json.Reset();
        var start = _buffer.WrittenCount;
        _json.WriteStartObject();
        return start;
    }

    private Range End(int start, double latencyMs)
    {
        _json.WriteNumber("latencyMs"u8, Math.Round(latencyMs, 3));
        _json.WriteEndObject();
        _json.Flush();
        return new Range(start, _buffer.WrittenCount);
    }
}
