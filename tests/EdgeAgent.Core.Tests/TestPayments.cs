using System.Text;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Tokenization;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests;

/// <summary>Builders for payloads and parsers shared by the tests.</summary>
internal static class TestPayments
{
    public const string Topic = "pos/store-1/t1/payments";

    /// <summary>A Luhn-valid test card number (a well-known test PAN).</summary>
    public const string Pan = "4111111111111111";

    public static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public static CardTokenizer Tokenizer { get; } = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), "k1");

    public static PaymentParser Parser(ValidationOptions? options = null) =>
        new(Tokenizer, options ?? new ValidationOptions(), "pos", new FakeTimeProvider(Now));

    public static string Json(
        string transactionId = "tx-1",
        string timestamp = "2026-11-28T11:59:00+01:00",
        string amount = "42.50",
        string currency = "\"EUR\"",
        string? pan = "\"" + Pan + "\"",
        string? cardToken = null,
        string mcc = "\"5411\"",
        string channel = "\"pos\"",
        string merchantId = "\"m-1\"",
        string? location = "{\"lat\":48.85,\"lon\":2.35}")
    {
        var fields = new List<string>
        {
            $"\"transactionId\":\"{transactionId}\"",
            $"\"timestamp\":\"{timestamp}\"",
            $"\"amount\":{amount}",
            $"\"currency\":{currency}",
            $"\"mcc\":{mcc}",
            $"\"channel\":{channel}",
            $"\"merchantId\":{merchantId}",
        };
        if (pan is not null)
        {
            fields.Add($"\"pan\":{pan}");
        }

        if (cardToken is not null)
        {
            fields.Add($"\"cardToken\":{cardToken}");
        }

        if (location is not null)
        {
            fields.Add($"\"location\":{location}");
        }

        return "{" + string.Join(",", fields) + "}";
    }

    public static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);
}
