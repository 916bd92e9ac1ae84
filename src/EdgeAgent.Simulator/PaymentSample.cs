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
    /// <summary>How much later each replay pays than the one before: the whole days from the sample's first payment to its last.</summary>
    private readonly long _cycleSeconds;

    private PaymentSample(IReadOnlyList<SparkovRecord> records)
    {
        Records = records;
        _cycleSeconds = CycleSeconds(records);
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

    /// <summary>
    /// Payment <paramref name="index"/> of the sample replayed without end: within the sample, its own payment and time;
    /// beyond it, the sample again, each replay whole days after the one before (the days the sample covers), with the
    /// same cards at the same times of day, so a card's history runs on at the sample's own pace instead of starting over.
    /// </summary>
    public (SparkovRecord Record, int Cycle, DateTimeOffset Time) Replay(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var record = Records[(int)(index % Records.Count)];
        var cycle = (int)(index / Records.Count);
        return (record, cycle, DateTimeOffset.FromUnixTimeSeconds(record.UnixTime + (cycle * _cycleSeconds)));
    }

    private static long CycleSeconds(IReadOnlyList<SparkovRecord> records)
    {
        const long day = 86_400;
        if (records.Count == 0)
        {
            return day;
        }

        var (first, last) = (records.Min(r => r.UnixTime), records.Max(r => r.UnixTime));
        return (((last - first) / day) + 1) * day;
    }

    /// <summary>
    /// Reads a sample, with its transaction ids made fit for the contract. The simulated data repeats ids (other payments
    /// that happen to share one), and the agent rightly refuses a repeated id with other content as
    /// <c>duplicate_conflict</c>: every repeat at the same store gets a suffix (<c>-r2</c>, <c>-r3</c>, …). And a few of its
    /// hexadecimal ids hold a run of 13 or more digits that passes the Luhn check, which the agent refuses as
    /// <c>card_data_misplaced</c> (a card number anywhere but <c>pan</c>): those runs are broken by a letter.
    /// </summary>
    public static PaymentSample Load(string? path = null)
    {
        using var reader = new StreamReader(path ?? BundledPath);
        var seen = new Dictionary<(string Store, string Id), int>();
        var records = new List<SparkovRecord>();
        foreach (var record in SparkovCsv.Read(reader))
        {
            var id = Core.Payments.CardNumberScanner.Contains(record.TransactionNumber) ? BreakDigitRuns(record.TransactionNumber) : record.TransactionNumber;
            var key = (SparkovMapping.StoreId(record.Merchant), id);
            var count = seen[key] = seen.GetValueOrDefault(key) + 1;
            records.Add(count == 1 && id == record.TransactionNumber ? record : record with { TransactionNumber = count == 1 ? id : $"{id}-r{count}" });
        }

        return new PaymentSample(records);
    }

    /// <summary>Puts a letter after every eighth digit in a row, so no run can be as long as a card number.</summary>
    private static string BreakDigitRuns(string id)
    {
        var result = new System.Text.StringBuilder(id.Length + 4);
        var run = 0;
        foreach (var c in id)
        {
            run = char.IsAsciiDigit(c) ? run + 1 : 0;
            result.Append(c);
            if (run == 8)
            {
                result.Append('g');
                run = 0;
            }
        }

        return result.ToString();
    }

    /// <summary>The topic the terminal of this payment publishes to.</summary>
    public static string Topic(SparkovRecord record, string root) =>
        string.Concat(root, "/", SparkovMapping.StoreId(record.Merchant), "/", SparkovMapping.TerminalId, "/payments");

    /// <summary>The payment as a terminal sends it (see docs/terminal-contract.md), at <c>at</c> or else at the sample's own time.</summary>
    public static byte[] Payload(SparkovRecord record, string transactionId, string? pan = null, DateTimeOffset? at = null)
    {
        var (mcc, channel) = SparkovMapping.Category(record.Category);
        var buffer = new ArrayBufferWriter<byte>(384);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("transactionId", transactionId);
            json.WriteString("timestamp", at ?? DateTimeOffset.FromUnixTimeSeconds(record.UnixTime));
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
