using System.Buffers;
using System.Text.Json;
using EdgeAgent.Sparkov;

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

    /// <summary>
    /// The sample bundled with the simulator: every payment of the data set from 2023-11-24 to 2023-12-02, all
    /// cards and merchants, so that terminals see their whole traffic and cards a week of history.
    /// </summary>
    public static string BundledPath => Path.Combine(AppContext.BaseDirectory, "Samples", "sparkov-sample.csv");

    /// <summary>
    /// Where the bundled sample's labelled days begin: the week before is card and terminal history, which the
    /// features need (they look back seven days) and which the demo sends first without counting it.
    /// </summary>
    public static DateTimeOffset BundledMeasureFrom { get; } = new(2023, 12, 1, 0, 0, 0, TimeSpan.Zero);

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
