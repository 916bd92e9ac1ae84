using System.Buffers;
using System.Text.Json;
using EdgeAgent.Core.Samples;

namespace EdgeAgent.Simulator;

/// <summary>
/// A labelled sample of Sparkov payments and the JSON a terminal sends for each: the card number in clear
/// (a simulated PAN), so the agent's tokenization is exercised as in a store.
/// </summary>
public sealed class PaymentSample
{
    private PaymentSample(IReadOnlyList<SparkovRecord> records)
    {
        Records = records;
    }

    /// <summary>The sample bundled with the simulator (payments of 40 cards over the last two months of the data).</summary>
    public static string BundledPath => Path.Combine(AppContext.BaseDirectory, "Samples", "sparkov-sample.csv");

    public IReadOnlyList<SparkovRecord> Records { get; }

    public static PaymentSample Load(string? path = null)
    {
        using var reader = new StreamReader(path ?? BundledPath);
        return new PaymentSample(SparkovCsv.Read(reader).ToList());
    }

    /// <summary>The topic the terminal of this payment publishes to.</summary>
    public static string Topic(SparkovRecord record, string root) =>
        string.Concat(root, "/", SparkovMapping.StoreId(record.Merchant), "/", SparkovMapping.TerminalId, "/payments");

    /// <summary>The payment as a terminal sends it (see docs/terminal-contract.md).</summary>
    public static byte[] Payload(SparkovRecord record, string transactionId, string? pan = null)
    {
        var (mcc, channel) = SparkovMapping.Category(record.Category);
        var buffer = new ArrayBufferWriter<byte>(384);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("transactionId", transactionId);
            json.WriteString("timestamp", DateTimeOffset.FromUnixTimeSeconds(record.UnixTime));
            json.WriteNumber("amount", record.Amount);
            json.WriteString("currency", "USD");
            json.WriteString("pan", pan ?? record.CardNumber);
            json.WriteString("mcc", mcc);
            json.WriteString("channel", channel == Core.Payments.PaymentChannel.Ecommerce ? "ecommerce" : "pos");
            json.WriteString("merchantId", SparkovMapping.StoreId(record.Merchant));
            json.WriteStartObject("location");
            json.WriteNumber("lat", record.MerchantLatitude);
            json.WriteNumber("lon", record.MerchantLongitude);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
