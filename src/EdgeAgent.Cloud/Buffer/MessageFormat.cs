using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeAgent.Cloud.Transport;
using EdgeAgent.Core.Records;
using EdgeAgent.Shared.Uplink;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// The envelope every message shares and the batching under the size limit:
/// <c>{"type":…,"source":…,"epoch":…,"first":…,"last":…,"count":…,"items":[…]}</c>. The message id is
/// <c>{epoch}-{type}-{first}-{last}</c>: the same items give the same id after a failure or a restart, and a new
/// database (a new epoch) never reuses an id the cloud has seen. Records go as an Avro container whose metadata holds
/// the same envelope (<see cref="RecordBatchFormat"/>): binary rows, deflated together, about half what the gzip'd
/// JSON batch cost. Snapshot batches are gzip-compressed JSON (<see cref="UplinkPayload"/>). Alerts stay plain: one or
/// a few at a time, they would hardly shrink, and they stay readable to a route on the body.
/// </summary>
public sealed class MessageFormat
{
    /// <summary>
    /// Most bytes of rows in one records batch: a reader turns them into JSON several times their size
    /// (<see cref="UplinkPayload.MaxInflatedBytes"/> caps that), a thousand records being about 150 KB of rows.
    /// </summary>
    private const int MaxRowBytes = UplinkPayload.MaxInflatedBytes / 8;

    private readonly string _sourceName;
    private readonly byte[] _source;
    private readonly string _epoch;

    public MessageFormat(string source, string epoch, int maxBytes, int maxItems, double featureSampleRate = 1.0)
    {
        _sourceName = source;
        _source = JsonEncodedText.Encode(source).EncodedUtf8Bytes.ToArray();
        _epoch = epoch;
        Rows = new RecordAvro(featureSampleRate);
        MaxBytes = maxBytes;
        MaxItems = maxItems;

        // The envelope at its longest (numbers at their widest), so that a batch that fits is never too large.
        Overhead = Header(CloudStream.Records, long.MinValue, long.MinValue, int.MinValue).Length + 2;
    }

    public int MaxBytes { get; }

    public int MaxItems { get; }

    /// <summary>How a record becomes a row of a records batch.</summary>
    public RecordAvro Rows { get; }

    /// <summary>Bytes of the envelope around the items, at most.</summary>
    public int Overhead { get; }

    public string MessageId(CloudStream stream, long first, long last) =>
        string.Create(CultureInfo.InvariantCulture, $"{_epoch}-{CloudMessage.TypeName(stream)}-{first}-{last}");

    /// <summary>Whether messages of <paramref name="stream"/> are compressed.</summary>
    public static bool Compresses(CloudStream stream) => stream != CloudStream.Alerts;

    /// <summary>
    /// The message of as many of <paramref name="items"/>, from the first, as fit <see cref="MaxBytes"/> on the wire
    /// and <see cref="MaxItems"/>; null when not even the first does. A compressed batch is sized by its JSON first
    /// (at most <see cref="UplinkPayload.MaxInflatedBytes"/>, what a reader inflates) and, when it compresses to more
    /// than the limit, made smaller until it fits.
    /// </summary>
    public CloudMessage? BuildFitting(CloudStream stream, IReadOnlyList<EncodedItem> items)
    {
        var compressed = Compresses(stream);
        var count = CountThatFit(items, stream == CloudStream.Records ? MaxRowBytes : compressed ? UplinkPayload.MaxInflatedBytes : MaxBytes);
        while (count > 0)
        {
            var message = Build(stream, items, count);
            if (message.Body.Length <= MaxBytes)
            {
                return message;
            }

            // Shrink by the overshoot and a little more, so that one or two more tries find a batch that fits.
            count = Math.Min(count - 1, (int)(count * 0.95 * MaxBytes / message.Body.Length));
        }

        return null;
    }

    /// <summary>A message of the first <paramref name="count"/> items, whatever its size (a message rebuilt for a resend).</summary>
    public CloudMessage Build(CloudStream stream, IReadOnlyList<EncodedItem> items, int count)
    {
        var first = items[0].Id;
        var last = items[count - 1].Id;
        if (stream == CloudStream.Records)
        {
            var id = MessageId(stream, first, last);
            var rows = new byte[count][];
            for (var i = 0; i < count; i++)
            {
                rows[i] = items[i].Json;
            }

            var container = RecordBatchFormat.Write(new RecordBatchEnvelope(_sourceName, _epoch, first, last, count, Rows.FeatureSampleRate, id), rows, count);
            return new CloudMessage(stream, id, container, first, last, count, Compressed: true);
        }

        var header = Header(stream, first, last, count);
        var size = header.Length + 2 + count - 1;
        for (var i = 0; i < count; i++)
        {
            size += items[i].Json.Length;
        }

        var body = new byte[size];
        header.CopyTo(body, 0);
        var at = header.Length;
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                body[at++] = (byte)',';
            }

            items[i].Json.CopyTo(body, at);
            at += items[i].Json.Length;
        }

        body[at++] = (byte)']';
        body[at] = (byte)'}';
        var compressed = Compresses(stream);
        return new CloudMessage(stream, MessageId(stream, first, last), compressed ? UplinkPayload.Compress(body) : body, first, last, count, compressed);
    }

    private int CountThatFit(IReadOnlyList<EncodedItem> items, int maxJsonBytes)
    {
        var size = Overhead;
        var count = 0;
        foreach (var item in items)
        {
            var added = item.Json.Length + (count == 0 ? 0 : 1);
            if (count == MaxItems || size + added > maxJsonBytes)
            {
                break;
            }

            size += added;
            count++;
        }

        return count;
    }

    private byte[] Header(CloudStream stream, long first, long last, int count)
    {
        var text = new StringBuilder(128)
            .Append("{\"type\":\"").Append(CloudMessage.TypeName(stream)).Append("\",\"source\":\"")
            .Append(Encoding.UTF8.GetString(_source))
            .Append("\",\"epoch\":\"").Append(_epoch)
            .Append(CultureInfo.InvariantCulture, $"\",\"first\":{first},\"last\":{last},\"count\":{count},\"items\":[");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
