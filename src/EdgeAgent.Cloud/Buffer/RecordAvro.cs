using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Core.Records;
using EdgeAgent.Shared.Uplink;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// One recorded outcome as a row of the records batch (<see cref="RecordBatchFormat.Schema"/>), field by field as
/// <see cref="RecordJson"/> writes it: nothing reaches the cloud that is not named here. The features go for every
/// review and decline and for a deterministic share of approvals (<see cref="CloudOptions.FeatureSampleRate"/>, chosen
/// by a hash of the transaction id, so the cloud can tell which were kept and re-weight the negatives); the local
/// record keeps all of them.
/// </summary>
public sealed class RecordAvro
{
    private readonly double _sampleRate;
    private readonly ulong _threshold;

    public RecordAvro(double featureSampleRate)
    {
        _sampleRate = featureSampleRate;
        _threshold = featureSampleRate >= 1 ? ulong.MaxValue : (ulong)(featureSampleRate * ulong.MaxValue);
    }

    public double FeatureSampleRate => _sampleRate;

    /// <summary>
    /// Whether an approved payment with <paramref name="transactionId"/> is in the sample at <paramref name="rate"/>:
    /// the first 8 bytes of SHA-256 of its UTF-8 text, big-endian, below <paramref name="rate"/> × 2⁶⁴. The cloud
    /// computes the same to know which approvals it has the features of.
    /// </summary>
    public static bool InSample(string? transactionId, double rate) => new RecordAvro(rate).Keeps(transactionId);

    /// <summary>Whether the record's features go to the cloud.</summary>
    public bool KeepsFeatures(RecordedOutcome record) => record.IsAlert || Keeps(record.TransactionId);

    public byte[] Encode(RecordedOutcome r)
    {
        var row = new AvroWriter(192);
        row.WriteLong(r.Sequence);
        row.WriteString(r.Status);
        row.WriteOptionalString(r.TransactionId);
        row.WriteOptionalString(r.StoreId);
        row.WriteOptionalString(r.TerminalId);
        row.WriteLong(r.ReceivedAt.ToUnixTimeMilliseconds());
        if (r.EventTime is { } eventTime)
        {
            row.WriteBranch(1);
            row.WriteLong(eventTime.ToUnixTimeMilliseconds());
            row.WriteBranch(1);
            row.WriteLong((long)eventTime.Offset.TotalMinutes);
        }
        else
        {
            row.WriteBranch(0);
            row.WriteBranch(0);
        }

        OptionalDecimal(row, r.Amount, RecordBatchFormat.AmountScale);
        row.WriteOptionalString(r.Currency);
        row.WriteOptionalString(r.CardToken);
        row.WriteOptionalString(r.Mcc);
        row.WriteOptionalString(r.Channel);
        row.WriteOptionalString(r.MerchantId);
        if (r.Location is { } place && double.IsFinite(place.Latitude) && double.IsFinite(place.Longitude))
        {
            row.WriteBranch(1);
            row.WriteDecimal((decimal)place.Latitude, RecordBatchFormat.PlaceScale);
            row.WriteDecimal((decimal)place.Longitude, RecordBatchFormat.PlaceScale);
        }
        else
        {
            row.WriteBranch(0);
        }

        if (r.Features is { } features && KeepsFeatures(r))
        {
            row.WriteBranch(1);
            if (features.Length > 0)
            {
                row.WriteLong(features.Length);
                foreach (var value in features)
                {
                    var scaled = Math.Round((double)value * RecordBatchFormat.FeatureScale);
                    if (double.IsFinite(scaled) && scaled is >= int.MinValue and <= int.MaxValue)
                    {
                        row.WriteBranch(0);
                        row.WriteLong((long)scaled);
                    }
                    else
                    {
                        row.WriteBranch(1);
                    }
                }
            }

            row.WriteLong(0);
        }
        else
        {
            row.WriteBranch(0);
        }

        OptionalScore(row, r.Score);
        row.WriteOptionalString(r.Decision);
        row.WriteOptionalString(r.Model);
        row.WriteOptionalString(r.ModelVersion);
        OptionalScore(row, r.ShadowScore);
        row.WriteOptionalString(r.ShadowModel);
        WriteArray(row, r.Reasons, static (row, reason) =>
        {
            row.WriteString(reason.Code);
            row.WriteString(reason.Feature);
            row.WriteFloat(reason.Value);
            row.WriteFloat(reason.Contribution);
        });
        OptionalDecimal(row, r.Status == "scored" && double.IsFinite(r.LatencyMs) ? (decimal)r.LatencyMs : null, RecordBatchFormat.LatencyScale);
        row.WriteOptionalString(r.Topic);
        WriteArray(row, r.Errors, static (row, error) =>
        {
            row.WriteString(error.Field);
            row.WriteString(error.Code);
            row.WriteString(error.Message);
        });
        return row.ToArray();
    }

    /// <summary>An Avro array: one block of all the items, then the zero count that ends it.</summary>
    private static void WriteArray<T>(AvroWriter row, IReadOnlyList<T> items, Action<AvroWriter, T> write)
    {
        if (items.Count > 0)
        {
            row.WriteLong(items.Count);
            foreach (var item in items)
            {
                write(row, item);
            }
        }

        row.WriteLong(0);
    }

    private static void OptionalScore(AvroWriter row, double? score) =>
        OptionalDecimal(row, score is { } s && double.IsFinite(s) && Math.Abs(s) < 10 ? (decimal)s : null, RecordBatchFormat.ScoreScale);

    private static void OptionalDecimal(AvroWriter row, decimal? value, int scale)
    {
        if (value is { } v)
        {
            row.WriteBranch(1);
            row.WriteDecimal(v, scale);
        }
        else
        {
            row.WriteBranch(0);
        }
    }

    private bool Keeps(string? transactionId)
    {
        if (_threshold == ulong.MaxValue)
        {
            return true;
        }

        if (_threshold == 0 || transactionId is null)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(transactionId), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash) < _threshold;
    }
}
