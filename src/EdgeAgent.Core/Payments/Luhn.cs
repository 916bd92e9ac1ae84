namespace EdgeAgent.Core.Payments;

/// <summary>The mod-10 check digit that every payment card number carries (ISO/IEC 7812-1).</summary>
public static class Luhn
{
    /// <summary>True when <paramref name="digits"/> are ASCII digits and their Luhn sum is a multiple of ten.</summary>
    public static bool IsValid(ReadOnlySpan<byte> digits)
    {
        if (digits.IsEmpty)
        {
            return false;
        }

        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - (byte)'0';
            if ((uint)d > 9)
            {
                return false;
            }

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

        return sum % 10 == 0;
    }
}
