using System.Text;
using System.Text.Json;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Fuzzing;

/// <summary>
/// The agent's front door for a payload: parsing with validation and tokenization (<see cref="PaymentParser"/>), then the
/// dead-letter skeleton kept of a refusal. Whatever the bytes, it must hold that nothing throws; the result is a valid
/// event exactly when there is no error; every error carries a known code; and no card digits (nor the pan's own digits)
/// reach anything returned: the result, its errors, the event, the skeleton.
/// </summary>
public static class PaymentTarget
{
    public const string Topic = "pos/store-1/t1/payments";

    public static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static readonly ValidationOptions Options = new();
    private static readonly HashSet<string> Codes = [.. ValidationCodes.All];
    private static readonly CardTokenizer Tokenizer = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), "k1");
    private static readonly PaymentParser Parser = new(Tokenizer, Options, "pos", new FixedClock(Now));

    /// <summary>Runs <paramref name="payload"/> through the parser on the usual payments topic.</summary>
    public static PaymentParseResult Run(ReadOnlySpan<byte> payload) => Run(Topic, payload);

    /// <summary>Runs one message through the parser and the skeleton; throws <see cref="FuzzFinding"/> when a property fails.</summary>
    public static PaymentParseResult Run(string topic, ReadOnlySpan<byte> payload)
    {
        var (result, broken) = Check(topic, payload);
        FuzzFinding.ThrowIfAny(broken);
        return result;
    }

    /// <summary>Runs <paramref name="payload"/> through the parser on the usual payments topic; returns the properties it broke.</summary>
    public static (PaymentParseResult Result, IReadOnlyList<string> Broken) Check(ReadOnlySpan<byte> payload) => Check(Topic, payload);

    /// <summary>Runs one message through the parser and the skeleton; returns the result and the properties it broke.</summary>
    public static (PaymentParseResult Result, IReadOnlyList<string> Broken) Check(string topic, ReadOnlySpan<byte> payload)
    {
        var broken = new List<string>();
        var result = Parser.Parse(topic, payload);
        var pan = PanOf(payload);
        FuzzFinding.Require(broken, result.IsValid == (result.Errors.Count == 0), "a result is valid exactly when it has no error");
        foreach (var error in result.Errors)
        {
            FuzzFinding.Require(broken, Codes.Contains(error.Code), "every error carries a known code");
            Clean(broken, error.Field, pan, "an error's field");
            Clean(broken, error.Message, pan, "an error's message");
        }

        Clean(broken, result.TransactionId, pan, "the transaction id");
        if (result.Event is { } payment)
        {
            FuzzFinding.Require(broken, payment.Amount > 0 && payment.Amount <= Options.MaxAmount, "a valid amount is within its bounds");
            FuzzFinding.Require(broken, payment.CardToken.Length > 0, "a valid payment has a card token");
            foreach (var text in new[] { payment.TransactionId, payment.StoreId, payment.TerminalId, payment.Currency, payment.Mcc, payment.MerchantId })
            {
                // The sender chose these; a short digit run in them may match a short pan by chance, so only card digits count.
                Clean(broken, text, null, "a field of the event");
            }

            Clean(broken, payment.CardToken, pan, "the card token");
            Clean(broken, payment.PreviousCardToken, pan, "the previous card token");
        }

        var skeleton = DeadLetterSkeleton.Of(payload, payload.Length);
        using (JsonDocument.Parse(skeleton))
        {
            // Parsing is the check: the skeleton is JSON whatever the payload was.
        }

        Clean(broken, Encoding.UTF8.GetString(skeleton), pan, "the dead-letter skeleton");
        return (result, broken);
    }

    private static void Clean(List<string> broken, string? text, string? pan, string what)
    {
        FuzzFinding.Require(broken, !CardDigits.In(text), what + " holds no card digits");
        FuzzFinding.Require(broken, pan is null || text is null || !text.Contains(pan, StringComparison.Ordinal), what + " holds no digits of the pan");
    }

    /// <summary>The pan as the payload gives it, read independently of the parser, when it is a string of 12 or more digits.</summary>
    private static string? PanOf(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("pan"u8)
                    && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    var value = reader.GetString();
                    return value is { Length: >= 12 } && value.All(char.IsAsciiDigit) ? value : null;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or not text: the parser refuses it without reading a pan.
        }

        return null;
    }
}
