using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeAgent.Cloud.Transport;
using EdgeAgent.Core.Records;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// The envelope every message shares and the batching under the size limit:
/// <c>{"type":…,"source":…,"epoch":…,"first":…,"last":…,"count":…,"items":[…]}</c>. The message id is
/// <c>{epoch}-{type}-{first}-{last}</c>: the same items give the same id after a failure or a restart, and a new
/// database (a new epoch) never reuses an id the cloud has seen.
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

    /// <summary>How many of <paramref name="items"/>, from the first, fit one message; 0 when not even the first does.</summary>
    public int CountThatFit(IReadOnlyList<EncodedItem> items)
    {
        var size = Overhead;
        var count = 0;
        foreach (var item in items)
        {
            var added = item.Json.Length + (count == 0 ? 0 : 1);
            if (count == MaxItems || size + added > MaxBytes)
            {
                break;
            }

            size += added;
            count++;
        }

        return count;
    }

    /// <summary>A message of the first <paramref name="count"/> items.</summary>
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
        return new CloudMessage(stream, MessageId(stream, first, last), body, first, last, count);
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
