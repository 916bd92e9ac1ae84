namespace EdgeAgent.Core.Payments;

/// <summary>
/// Masks anything in a raw payload that could be a card number before the payload is kept as a dead letter.
/// A rejected payload is by definition not understood, so the card number cannot be found by field name:
/// every run of 12 or more digits (single spaces or dashes between digits allowed, JSON <c>\u003X</c> escapes
/// counted as digits) is overwritten with <c>#</c>. Over-masking an order number is the price of never
/// keeping a PAN.
/// </summary>
public static class PanRedactor
{
    /// <summary>Shortest digit run masked: the shortest card numbers have 12 digits.</summary>
    public const int MinDigits = 12;

    /// <summary>Most bytes of a rejected payload kept; enough to diagnose, small enough to bound the store.</summary>
    public const int MaxKeptBytes = 2048;

    /// <summary>A masked copy of at most <see cref="MaxKeptBytes"/> bytes of <paramref name="payload"/>.</summary>
    public static byte[] Redact(ReadOnlySpan<byte> payload)
    {
        // Mask over the whole payload first, so a number that straddles the cut is still masked.
        var copy = payload.ToArray();
        var i = 0;
        while (i < copy.Length)
        {
            if (DigitWidth(copy, i) == 0)
            {
                i++;
                continue;
            }

            var runStart = i;
            var digits = 0;
            var end = i;
            while (i < copy.Length)
            {
                var width = DigitWidth(copy, i);
                if (width > 0)
                {
                    digits++;
                    i += width;
                    end = i;
                }
                else if (copy[i] is (byte)' ' or (byte)'-' && i + 1 < copy.Length && DigitWidth(copy, i + 1) > 0)
                {
                    i++;
                }
                else
                {
                    break;
                }
            }

            if (digits >= MinDigits)
            {
                copy.AsSpan(runStart, end - runStart).Fill((byte)'#');
            }

            i = end;
        }

        return copy.Length <= MaxKeptBytes ? copy : copy[..MaxKeptBytes];
    }

    /// <summary>Bytes taken by a digit at <paramref name="at"/>: 1 for ASCII, 6 for a <c>\u003X</c> escape, 0 otherwise.</summary>
    private static int DigitWidth(byte[] bytes, int at)
    {
        if (bytes[at] is >= (byte)'0' and <= (byte)'9')
        {
            return 1;
        }

        if (bytes[at] == (byte)'\\' && at + 5 < bytes.Length && bytes[at + 1] is (byte)'u' or (byte)'U'
            && bytes[at + 2] == (byte)'0' && bytes[at + 3] == (byte)'0' && bytes[at + 4] == (byte)'3'
            && bytes[at + 5] is >= (byte)'0' and <= (byte)'9')
        {
            return 6;
        }

        return 0;
    }
}
