using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Payments;

/// <summary>
/// A 64-bit fingerprint of what a payment says: amount, currency, card, time, merchant, category and channel. A repeat
/// of a transaction id is answered with the first answer only when its fingerprint matches; one that differs is another
/// payment reusing the id (a terminal bug, or someone pre-empting the id to get a replayed approval) and is refused
/// with <c>duplicate_conflict</c>. FNV-1a (<see cref="StableHash"/>): not a secret, only a fast and stable comparison.
/// </summary>
public static class PaymentFingerprint
{
    /// <summary>The fingerprint of <paramref name="payment"/>.</summary>
    public static long Of(PaymentEvent payment)
    {
        var hash = StableHash.Offset64;
        // Normalized, so 42.5 and 42.50 are the same amount.
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(payment.Amount / 1.000000000000000000000000000000000m, bits);
        foreach (var b in bits)
        {
            hash = Mix(hash, (uint)b);
        }

        hash = Mix(hash, payment.Currency);
        hash = Mix(hash, payment.CardToken);
        hash = Mix(hash, (ulong)payment.Timestamp.ToUnixTimeMilliseconds());
        hash = Mix(hash, payment.MerchantId);
        hash = Mix(hash, payment.Mcc);
        hash = Mix(hash, (ulong)payment.Channel);
        return (long)hash;
    }

    /// <summary>A 64-bit hash of a string, for compact keys in memory.</summary>
    public static long OfText(string text) => (long)Mix(StableHash.Offset64, text);

    // A separator after the text, so ("ab", "c") and ("a", "bc") differ.
    private static ulong Mix(ulong hash, string text) => StableHash.Append(StableHash.Append(hash, text), 0xFFFF);

    private static ulong Mix(ulong hash, ulong value)
    {
        for (var i = 0; i < 8; i++)
        {
            hash = StableHash.Append(hash, (byte)(value >> (i * 8)));
        }

        return hash;
    }
}
