using System.Collections.Frozen;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Sparkov;

/// <summary>
/// How a Sparkov row becomes what a terminal would send: category → merchant category code and channel
/// (<c>_net</c> is card-not-present), merchant → merchant id (and, by default, a store with one terminal),
/// merchant position → location,
/// amounts in USD, times in UTC. Training and the POS simulator share this mapping, so the agent sees in
/// production exactly the events the models were trained on.
/// </summary>
public static class SparkovMapping
{
    /// <summary>The terminal id given to every simulated store.</summary>
    public const string TerminalId = "t1";

    private static readonly FrozenDictionary<string, (string Mcc, PaymentChannel Channel)> Categories =
        new Dictionary<string, (string, PaymentChannel)>(StringComparer.Ordinal)
        {
            ["gas_transport"] = ("5541", PaymentChannel.Pos),
            ["grocery_pos"] = ("5411", PaymentChannel.Pos),
            ["grocery_net"] = ("5411", PaymentChannel.Ecommerce),
            ["shopping_pos"] = ("5311", PaymentChannel.Pos),
            ["shopping_net"] = ("5311", PaymentChannel.Ecommerce),
            ["misc_pos"] = ("5999", PaymentChannel.Pos),
            ["misc_net"] = ("5999", PaymentChannel.Ecommerce),
            ["food_dining"] = ("5812", PaymentChannel.Pos),
            ["entertainment"] = ("7832", PaymentChannel.Pos),
            ["health_fitness"] = ("7997", PaymentChannel.Pos),
            ["home"] = ("5200", PaymentChannel.Pos),
            ["kids_pets"] = ("5995", PaymentChannel.Pos),
            ["personal_care"] = ("7230", PaymentChannel.Pos),
            ["travel"] = ("4722", PaymentChannel.Pos),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Merchant category code and channel of a Sparkov category; unknown categories map to 5999 at a terminal.</summary>
    public static (string Mcc, PaymentChannel Channel) Category(string category) =>
        Categories.TryGetValue(category, out var mapped) ? mapped : ("5999", PaymentChannel.Pos);

    /// <summary>
    /// A store id for a merchant name: the simulator's <c>fraud_</c> prefix dropped, anything outside
    /// <c>[A-Za-z0-9_-]</c> replaced by <c>-</c>, at most 64 characters.
    /// </summary>
    public static string StoreId(string merchant)
    {
        var name = merchant.StartsWith("fraud_", StringComparison.Ordinal) ? merchant[6..] : merchant;
        Span<char> id = stackalloc char[Math.Min(name.Length, Identifiers.MaxLength)];
        for (var i = 0; i < id.Length; i++)
        {
            var c = name[i];
            id[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '-';
        }

        return id.IsEmpty ? "store" : new string(id);
    }

    /// <summary>The event a terminal would send, with the card already tokenized to <paramref name="cardToken"/>.</summary>
    public static PaymentEvent ToEvent(SparkovRecord record, string cardToken) =>
        ToEvent(record, cardToken, new TopicAddress(StoreId(record.Merchant), TerminalId));

    /// <summary>
    /// The event as sent from the store and terminal of <paramref name="address"/>: where a site's layout puts the
    /// merchant. The merchant id stays the data's merchant whatever the layout.
    /// </summary>
    public static PaymentEvent ToEvent(SparkovRecord record, string cardToken, TopicAddress address)
    {
        var (mcc, channel) = Category(record.Category);
        return new PaymentEvent
        {
            TransactionId = record.TransactionNumber,
            StoreId = address.StoreId,
            TerminalId = address.TerminalId,
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(record.UnixTime),
            Amount = record.Amount,
            Currency = "USD",
            CardToken = cardToken,
            Mcc = mcc,
            Channel = channel,
            MerchantId = StoreId(record.Merchant),
            Location = new GeoPoint(record.MerchantLatitude, record.MerchantLongitude),
        };
    }
}
