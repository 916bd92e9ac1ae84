namespace EdgeAgent.Core.Payments;

/// <summary>
/// A 64-bit fingerprint of what a payment says: amount, currency, card, time, merchant, category and channel. A repeat
/// of a transaction id is answered with the first answer only when its fingerprint matches; one that differs is another
/// payment reusing the id (a terminal bug, or someone pre-empting the id to get a replayed approval) and is refused
/// with <c>duplicate_conflict</c>. FNV-1a: not a secret, only a fast and stable comparison.
/// </summary>
public static class PaymentFingerprint
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static long Of(PaymentEvent payment)
    {
        var hash = Offset;
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
    public static long OfText(string text) => (long)Mix(Offset, text);

    private static ulong Mix(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ c) * Prime;
        }

        // A separator, so ("ab", "c") and ("a", "bc") differ.
        return (hash ^ 0xFFFF) * Prime;
    }

    private static ulong Mix(ulong hash, ulong value)
    {
        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(value >> (i * 8))) * Prime;
        }

        return hash;
    }
}
