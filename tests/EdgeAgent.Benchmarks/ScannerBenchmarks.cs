using System.Text;
using BenchmarkDotNet.Attributes;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Benchmarks;

/// <summary>
/// What looking for misplaced card numbers costs one payment: the scanner over the texts a message carries besides
/// <c>pan</c>, and the whole parse of a payment whose id is a 24-hex-digit token.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ScannerBenchmarks
{
    private const string Topic = "pos/store-1/t1/payments";
    private const string ResponseTopic = "pos/store-1/t1/responses/lane-3";

    private static readonly byte[] Payload = Encoding.UTF8.GetBytes(
        """{"transactionId":"65a1f3c29b7e4d0812345678","timestamp":"2026-11-28T11:59:00+01:00","amount":42.50,"currency":"EUR","pan":"4111111111111111","mcc":"5411","channel":"pos","merchantId":"m-1","location":{"lat":48.85,"lon":2.35}}""");

    private static readonly string[] Texts =
        ["65a1f3c29b7e4d0812345678", "2026-11-28T11:59:00+01:00", "m-1", Topic, ResponseTopic, "3f2504e0-4f89-11d3-9a0c-0305e82c3301"];

    private static readonly byte[] Correlation = Convert.FromHexString("3f2504e04f8911d39a0c0305e82c3301");

    private static readonly int PanStart = Payload.AsSpan().IndexOf("4111111111111111"u8);

    private PaymentParser _parser = null!;

    [GlobalSetup]
    public void Setup() =>
        _parser = new PaymentParser(new CardTokenizer(new byte[32], "k1"), new ValidationOptions(), "pos", TimeProvider.System);

    /// <summary>The scanner alone, over an id, a timestamp, a merchant, the topic, a response topic and a UUID.</summary>
    [Benchmark]
    public int ScanTexts()
    {
        var found = 0;
        foreach (var text in Texts)
        {
            found += CardNumberScanner.Contains(text) ? 1 : 0;
        }

        return found + (CardNumberScanner.Contains(Correlation) ? 1 : 0);
    }

    /// <summary>
    /// What looking for the payment's own card number adds to a parse: the payload outside <c>pan</c>, the topic, the
    /// response topic and the correlation data (as ASCII and as packed BCD).
    /// </summary>
    [Benchmark]
    public bool OwnPanSearch()
    {
        var pan = Payload.AsSpan(PanStart, 16);
        return OwnCardNumber.InJson(Payload, PanStart, 16, pan) | OwnCardNumber.InText(Topic, pan)
            | OwnCardNumber.InText(ResponseTopic, pan) | OwnCardNumber.InBytes(Correlation, pan);
    }

    /// <summary>Validation of every field, the card number tokenized, the fields scanned for card numbers.</summary>
    [Benchmark]
    public PaymentParseResult Parse() => _parser.Parse(Topic, Payload);

    /// <summary>The same with an MQTT 5 response topic and correlation data, looked through for the payment's card number too.</summary>
    [Benchmark]
    public PaymentParseResult ParseWithProperties() => _parser.Parse(Topic, Payload, ResponseTopic, Correlation);
}
