using System.Text.Json.Nodes;
using CsCheck;
using EdgeAgent.Core.Payments;
using EdgeAgent.Fuzzing;

namespace EdgeAgent.Core.Tests.Properties;

/// <summary>
/// The parser against random payloads, held to the fuzz target's properties (<see cref="PaymentTarget"/>): it never throws,
/// a result is valid exactly when it has no error and every error has a known code, no card digits come back in anything
/// it returns, and the dead-letter skeleton is JSON that holds none either.
/// </summary>
public sealed class PaymentParserProperties
{
    [Fact]
    public void AnyPayload_GetsAResultOrARejectionCode_AndNothingReturnedHoldsCardDigits() =>
        PaymentGen.Payload.Sample(payload => PaymentTarget.Run(payload), iter: PropertyRuns.Of(3000));

    [Fact]
    public void WellFormedPayment_IsValid_AndItsTokenIsTheTokenOfItsPan() =>
        PaymentGen.ValidPayment.Sample(payment =>
        {
            var result = PaymentTarget.Run(PaymentGen.Utf8(payment.Json));
            Assert.True(result.IsValid, string.Join(", ", result.Errors.Select(e => e.Field + ": " + e.Code)));
            if (payment.Pan is { } pan)
            {
                Assert.Equal(TestPayments.Tokenizer.Tokenize(PaymentGen.Utf8(pan)), result.Event!.CardToken);
            }
        }, iter: PropertyRuns.Of(1000));

    [Fact]
    public void CardNumberAnywhereButThePan_IsRefused() =>
        Gen.Select(PaymentGen.ValidPayment, CardDigitsOutsidePan, Gen.Int[0, PaymentGen.Fields.Length]).Sample((payment, card, slot) =>
        {
            var (name, value) = card;
            var field = slot < PaymentGen.Fields.Length && PaymentGen.Fields[slot] != "pan" ? PaymentGen.Fields[slot] : name;
            // The field the card goes into is taken out first, so the refusal cannot come from a repeated field.
            var rest = JsonNode.Parse(payment.Json)!.AsObject();
            rest.Remove(field);
            var json = rest.ToJsonString().TrimEnd('}') + (rest.Count > 0 ? "," : "") + PaymentGen.Quote(field) + ":" + value + "}";

            var result = PaymentTarget.Run(PaymentGen.Utf8(json));

            Assert.False(result.IsValid);
        }, iter: PropertyRuns.Of(1000));

    /// <summary>An unknown field, and a value holding a card number: as a string (plain, grouped, escaped, amid text), a number, or nested.</summary>
    private static readonly Gen<(string Name, string Value)> CardDigitsOutsidePan =
        Gen.Select(
            Gen.OneOf("note", "extra", "x", "ref"),
            Gen.OneOf(PaymentGen.CardNumber, PaymentGen.GroupedCardNumber, PaymentGen.EscapedCardNumber),
            Gen.Int[0, 4]).Select((name, card, shape) => (name, shape switch
            {
                0 => PaymentGen.Quote(card),
                1 => PaymentGen.Quote("card " + card + " ok"),
                2 => card.All(char.IsAsciiDigit) ? card : PaymentGen.Quote(card),
                3 => "{\"deep\":[" + PaymentGen.Quote(card) + "]}",
                _ => "[1,{\"k\":" + PaymentGen.Quote(card) + "}]",
            }));
}
