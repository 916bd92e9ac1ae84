using EdgeAgent.Core.Payments;

namespace EdgeAgent.Fuzzing;

/// <summary>
/// Tells whether text holds card digits, by two independent readings: the project's own <see cref="CardNumberScanner"/>, and
/// a plain one that knows nothing of groupings (any unbroken run of 13 to 19 digits that no ASCII letter touches, whose
/// first digit a card can start with and whose Luhn check digit is right), so that a fault in the scanner cannot hide a
/// card number from the check that uses it. Digits glued to letters are part of a token (a hex id), not a printed card
/// number; the payment's own card number is looked for in those by the checks that know it.
/// </summary>
public static class CardDigits
{
    public static bool In(string? text) => text is not null && (CardNumberScanner.Contains(text) || HasLuhnRun(text));

    public static bool In(ReadOnlySpan<byte> text) => CardNumberScanner.Contains(text) || HasLuhnRun(System.Text.Encoding.UTF8.GetString(text));

    private static bool HasLuhnRun(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var digit = i < text.Length && char.IsAsciiDigit(text[i]);
            if (digit && start < 0)
            {
                start = i;
            }
            else if (!digit && start >= 0)
            {
                var glued = (start > 0 && char.IsAsciiLetter(text[start - 1])) || (i < text.Length && char.IsAsciiLetter(text[i]));
                var issuable = text[start] != '0' && (text[start] != '1' || i - start == 15);
                if (i - start is >= 13 and <= 19 && !glued && issuable && Luhn(text.AsSpan(start, i - start)))
                {
                    return true;
                }

                start = -1;
            }
        }

        return false;
    }

    private static bool Luhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
        }

        return sum % 10 == 0;
    }
}
