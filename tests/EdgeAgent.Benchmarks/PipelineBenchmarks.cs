using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Attributes;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Benchmarks;

/// <summary>The per-payment work of the scoring loop, piece by piece, without the transport or the store.</summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes(
        """{"transactionId":"tx-1","timestamp":"2026-11-28T11:59:00+01:00","amount":42.50,"currency":"EUR","pan":"4111111111111111","mcc":"5411","channel":"pos","merchantId":"m-1","location":{"lat":48.85,"lon":2.35}}""");

    private readonly float[] _features = new float[FeatureSchema.Count];
    private PaymentParser _parser = null!;
    private PaymentEvent _payment = null!;
    private FeatureExtractor _extractor = null!;
    private static readonly Reason[] Reasons =
    [
        new("amount_far_above_card_usual", "amount_to_card_mean_7d", 8.2f, 1.9f),
        new("many_payments_last_hour", "card_count_1h", 5, 0.7f),
    ];

    private readonly AnswerWriter _answers = new();
    private long _minute;

    [GlobalSetup]
    public void Setup()
    {
        _parser = new PaymentParser(new CardTokenizer(new byte[32], "k1"), new ValidationOptions(), "pos", TimeProvider.System);
        _payment = _parser.Parse("pos/store-1/t1/payments", Payload).Event!;
        _extractor = new FeatureExtractor(new FeatureState());
        for (var i = 0; i < 20; i++)
        {
            Next(); // a card with a few days of history, as a regular customer has
        }

    }

    /// <summary>Validation of every field, and the card number tokenized with HMAC-SHA256.</summary>
    [Benchmark]
    public PaymentParseResult ParseAndTokenize() => _parser.Parse("pos/store-1/t1/payments", Payload);

    /// <summary>All 22 features from a card with history, and the payment added to the state.</summary>
    [Benchmark]
    public float Features()
    {
        Next();
        return _features[0];
    }

    /// <summary>The answer JSON, written into the batch's buffer and sealed (one array per batch; here a batch of one).</summary>
    [Benchmark]
    public int WriteAnswer()
    {
        _answers.Begin();
        var range = _answers.Scored("tx-1", Decision.Review, 0.0123, null, new ModelIdentity("fraud-gbt", "1.0.0"), Reasons, 0.42);
        return _answers.Seal().AsSpan(range).Length;
    }

    private void Next()
    {
        // Payments a few hours apart keep the card's seven-day window at a realistic length.
        _minute += 300;
        var at = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(_minute % (60 * 24 * 30));
        _extractor.ComputeAndApply(new PaymentEvent
        {
            TransactionId = _payment.TransactionId,
            StoreId = _payment.StoreId,
            TerminalId = _payment.TerminalId,
            Timestamp = at,
            Amount = _payment.Amount,
            Currency = _payment.Currency,
            CardToken = _payment.CardToken,
            Mcc = _payment.Mcc,
            Channel = _payment.Channel,
            MerchantId = _payment.MerchantId,
            Location = _payment.Location,
        }, _features);
    }
}
