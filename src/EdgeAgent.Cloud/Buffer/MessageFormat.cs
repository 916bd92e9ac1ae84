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
/// database (a new epoch) never reuses an id the cloud has seen. Record and snapshot batches are gzip-compressed
/// (<see cref="UplinkPayload"/>): a batch of a few hundred JSON records shrinks about fivefold (the names and values
/// that repeat from record to record cost next to nothing). Alerts stay plain: one or a few at a time, they would hardly
/// shrink, and they stay readable to a route on the body.
/// </summary>
public sealed class MessageFormat
{
    private readonly byte[] _source;
    private readonly string _epoch;

    public MessageFormat(string source, string epoch, int maxBytes, int maxItems)
    {
        _source = JsonEncodedText.Encode(source).EncodedUtf8Bytes.ToArray();
        _epoch = epoch;
        MaxBytes = maxBytes;
        MaxItems = maxItems;

        // The envelope at its longest (numbers at their widest), so that a batch that fits is never too large.
        Overhead = Header(CloudStream.Records, long.MinValue, long.MinValue, int.MinValue).Length + 2;
    }

    public int MaxBytes { get; }

    public int MaxItems { get; }

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
        var count = CountThatFit(items, compressed ? UplinkPayload.MaxInflatedBytes : MaxBytes);
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
