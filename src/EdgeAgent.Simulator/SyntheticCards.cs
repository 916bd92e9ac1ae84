using System.Globalization;

namespace EdgeAgent.Simulator;

/// <summary>Other simulated card numbers derived from a sample one: same length, valid check digit.</summary>
public static class SyntheticCards
{
    /// <summary>
    /// The card number with its digits before the check digit offset by <paramref name="variant"/> (keeping the
    /// first six, the issuer prefix) and the Luhn check digit recomputed. Different variants give different cards.
    /// </summary>
    public static string Variant(string pan, int variant)
    {
        var body = pan[..^1].ToCharArray();
        var offset = variant;
        for (var i = body.Length - 1; i >= 6 && offset > 0; i--)
        {
            var digit = (body[i] - '0') + (offset % 10);
            offset = (offset / 10) + (digit / 10);
            body[i] = (char)('0' + (digit % 10));
        }

        var text = new string(body);
        return text + CheckDigit(text).ToString(CultureInfo.InvariantCulture);
    }

    private static int CheckDigit(string body)
    {
        var sum = 0;
        var doubleIt = true;
        for (var i = body.Length - 1; i >= 0; i--)
        {
            var d = body[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return (10 - (sum % 10)) % 10;
    }
}
