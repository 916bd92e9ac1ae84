using System.Buffers;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Storage.Records;

/// <summary>
/// The record of one outcome as compact binary, written by hand rather than through BsonMapper: no reflection on the hot
/// path, a few hundred bytes a payment instead of a BSON document of twenty fields, and a card number cannot slip into the
/// record through a property someone adds later. A group of records is one LiteDB document (<see cref="LiteDbOutcomeStore"/>)
/// and, before its commit, one entry of the answer journal: the same bytes, encoded once. Each record starts with a format
/// version, so older records stay readable when fields are added.
/// </summary>
internal static class RecordCodec
{
    private const byte Version = 1;
    private const byte ScoredKind = 1;
    private const byte RejectedKind = 2;

    /// <summary>True for outcomes that are recorded: scored payments and kept refusals (duplicates add nothing).</summary>
    public static bool IsRecorded(Outcome outcome) => outcome.Sequence > 0 && outcome.Kind != OutcomeKind.Duplicate;

    /// <summary>Appends the recorded outcomes of <paramref name="batch"/>, each prefixed by its length; returns the first and last sequence, or (0, 0).</summary>
    public static (long First, long Last) Encode(ScoredBatch batch, ArrayBufferWriter<byte> buffer) => Encode(batch.Outcomes, buffer);

    /// <summary>Appends the recorded ones of <paramref name="outcomes"/>, each prefixed by its length; returns the first and last sequence, or (0, 0).</summary>
    public static (long First, long Last) Encode(IReadOnlyList<Outcome> outcomes, ArrayBufferWriter<byte> buffer)
    {
        var writer = new RecordWriter(buffer);
        long first = 0, last = 0;
        for (var i = 0; i < outcomes.Count; i++)
        {
            var outcome = outcomes[i];
            if (!IsRecorded(outcome))
            {
                continue;
            }

            var lengthAt = writer.Position;
            writer.Int32(0);
            Encode(outcome, writer);
            writer.PatchInt32(lengthAt, writer.Position - lengthAt - 4);
            first = first == 0 ? outcome.Sequence : Math.Min(first, outcome.Sequence);
            last = Math.Max(last, outcome.Sequence);
        }

        return (first, last);
    }

    /// <summary>The first and last sequence <see cref="Encode(ScoredBatch, ArrayBufferWriter{byte})"/> gives the batch, without encoding it.</summary>
    public static (long First, long Last) Range(ScoredBatch batch)
    {
        long first = 0, last = 0;
        var outcomes = batch.Outcomes;
        for (var i = 0; i < outcomes.Count; i++)
        {
            var outcome = outcomes[i];
            if (IsRecorded(outcome))
            {
                first = first == 0 ? outcome.Sequence : Math.Min(first, outcome.Sequence);
                last = Math.Max(last, outcome.Sequence);
            }
        }

        return (first, last);
    }

    /// <summary>The records in <paramref name="data"/>, in the order written.</summary>
    public static List<StoredRecord> Decode(ReadOnlySpan<byte> data)
    {
        var records = new List<StoredRecord>();
        var reader = new RecordReader(data);
        while (!reader.AtEnd)
        {
            var record = reader.BytesSpan();
            var inner = new RecordReader(record);
            records.Add(Decode(ref inner));
        }

        return records;
    }

    private static void Encode(Outcome outcome, RecordWriter w)
    {
        w.Byte(Version);
        w.Byte(outcome.Kind == OutcomeKind.Scored ? ScoredKind : RejectedKind);
        w.Int64(outcome.Sequence);
        w.Int64(outcome.Message.ReceivedAt.ToUnixTimeMilliseconds());
        w.String(outcome.TransactionId);
        w.String(outcome.AnswerTopic);
        w.Bytes(outcome.AnswerCorrelation, outcome.AnswerCorrelation is not null);
        w.Bytes(outcome.Answer.Span);
        w.Double(outcome.LatencyMs);
        if (outcome.Kind == OutcomeKind.Scored && outcome.Event is { } e)
        {
            EncodeScored(outcome, e, w);
        }
        else
        {
            // A scored outcome without its event cannot happen; a stub (RecordLoop) is recorded as a refusal.
            w.String(CardNumberScanner.MaskTopic(outcome.Message.Topic, outcome.Errors));
            w.Int32(outcome.Errors.Count);
            foreach (var error in outcome.Errors)
            {
                w.String(error.Field);
                w.String(error.Code);
                w.String(error.Message);
            }

            w.Bytes(outcome.DeadLetter, outcome.DeadLetter is not null);
        }
    }

    private static void EncodeScored(Outcome outcome, PaymentEvent e, RecordWriter w)
    {
        w.String(e.StoreId);
        w.String(e.TerminalId);
        w.Int64(e.Timestamp.ToUnixTimeMilliseconds());
        w.Int32((int)e.Timestamp.Offset.TotalMinutes);
        w.Decimal(e.Amount);
        w.String(e.Currency);
        w.String(e.CardToken);
        w.String(e.Mcc);
        w.Byte((byte)e.Channel);
        w.String(e.MerchantId);
        w.Byte(e.Location is null ? (byte)0 : (byte)1);
        if (e.Location is { } location)
        {
            w.Double(location.Latitude);
            w.Double(location.Longitude);
        }

        var features = outcome.Features.Span;
        w.Int32(features.Length);
        foreach (var f in features)
        {
            w.Single(f);
        }

        w.Byte(outcome.Score is null ? (byte)0 : (byte)1);
        if (outcome.Score is { } score)
        {
            w.Double(score);
        }

        w.Byte((byte)outcome.Decision);
        w.String(outcome.FallbackReason);
        w.String(outcome.Model?.Name);
        w.String(outcome.Model?.Version);
        w.Byte(outcome.ShadowScore is null ? (byte)0 : (byte)1);
        if (outcome.ShadowScore is { } shadow)
        {
            w.Double(shadow);
            w.String(outcome.ShadowModel?.ToString());
        }

        w.Int64(outcome.Fingerprint);
        w.Int32(outcome.Reasons.Count);
        foreach (var reason in outcome.Reasons)
        {
            w.String(reason.Code);
            w.String(reason.Feature);
            w.Single(reason.Value);
            w.Single(reason.Contribution);
        }
    }

    private static StoredRecord Decode(ref RecordReader r)
    {
        var version = r.Byte();
        if (version != Version)
        {
            throw new InvalidDataException($"Record format {version} is not one this agent reads.");
        }

        var kind = r.Byte();
        var record = new StoredRecord
        {
            Sequence = r.Int64(),
            ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.Int64()),
            TransactionId = r.String(),
            AnswerTopic = r.String(),
            AnswerCorrelation = r.Bytes(),
            Answer = r.Bytes() ?? [],
            LatencyMs = r.Double(),
            IsScored = kind == ScoredKind,
        };
        return kind == ScoredKind ? DecodeScored(ref r, record) : DecodeRejected(ref r, record);
    }

    private static StoredRecord DecodeRejected(ref RecordReader r, StoredRecord record)
    {
        var topic = r.String();
        var errors = new ValidationError[r.Int32()];
        for (var i = 0; i < errors.Length; i++)
        {
            errors[i] = new ValidationError(r.String()!, r.String()!, r.String()!);
        }

        return record with { Topic = topic, Errors = errors, DeadLetter = r.Bytes() };
    }

    private static StoredRecord DecodeScored(ref RecordReader r, StoredRecord record)
    {
        var store = r.String()!;
        var terminal = r.String()!;
        var eventMs = r.Int64();
        var offset = TimeSpan.FromMinutes(r.Int32());
        var amount = r.Decimal();
        var currency = r.String()!;
        var card = r.String()!;
        var mcc = r.String()!;
        var channel = (PaymentChannel)r.Byte();
        var merchant = r.String()!;
        GeoPoint? location = r.Byte() == 1 ? new GeoPoint(r.Double(), r.Double()) : null;
        var features = new float[r.Int32()];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = r.Single();
        }

        double? score = r.Byte() == 1 ? r.Double() : null;
        var decision = (Decision)r.Byte();
        var fallback = r.String();
        var model = r.String();
        var modelVersion = r.String();
        double? shadowScore = null;
        string? shadowModel = null;
        if (r.Byte() == 1)
        {
            shadowScore = r.Double();
            shadowModel = r.String();
        }

        var fingerprint = r.Int64();
        var reasons = new Reason[r.Int32()];
        for (var i = 0; i < reasons.Length; i++)
        {
            reasons[i] = new Reason(r.String()!, r.String()!, r.Single(), r.Single());
        }

        return record with
        {
            Event = new PaymentEvent
            {
                TransactionId = record.TransactionId!,
                StoreId = store,
                TerminalId = terminal,
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(eventMs).ToOffset(offset),
                Amount = amount,
                Currency = currency,
                CardToken = card,
                Mcc = mcc,
                Channel = channel,
                MerchantId = merchant,
                Location = location,
            },
            Features = features,
            Score = score,
            Decision = decision,
            FallbackReason = fallback,
            Model = model,
            ModelVersion = modelVersion,
            ShadowScore = shadowScore,
            ShadowModel = shadowModel,
            Fingerprint = fingerprint,
            Reasons = reasons,
        };
    }
}
