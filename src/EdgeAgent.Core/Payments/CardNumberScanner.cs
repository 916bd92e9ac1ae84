using System.Buffers;

namespace EdgeAgent.Core.Payments;

/// <summary>
/// Finds card numbers where none may be: anywhere but the <c>pan</c> field (PCI DSS v4.0.1 3.3.1, 3.4.1). A candidate is a
/// run of 13 to 19 digits whose Luhn check digit is right, written as cards print it: unbroken, or grouped with one and
/// the same separator (space, dash, dot, slash or underscore) as groups of four with a shorter last one
/// (<c>4111 1111 1111 1111</c>, <c>6212 3456 7890 1234 569</c>), or four, six and four or five (<c>3782 822463 10005</c>);
/// and standing on its own: nothing alphanumeric (an ASCII letter or digit) touches its first or last digit. Digits glued
/// to a letter are part of a token (a hex, base32 or base64 id: one random 24-hex-digit id in about 900 holds a
/// Luhn-valid run of 13–19 digits), which a card is never printed as; the payment's own card number is looked for inside
/// tokens as well, by <see cref="OwnCardNumber"/>. An unbroken run longer than 19 digits is not a card number, and neither
/// are other groupings or mixed separators, which keeps dates, coordinates and ids such as <c>T-20261128-000042</c> from
/// being taken for one (about one random 13–19 digit run in ten passes the Luhn check), and so is a run whose first digit
/// no card starts with (<see cref="CanBeIssued"/>). A standalone 13–19 digit run cannot be told from a card number, so a
/// field that holds long numbers by design (a sequence counter) will see some refused.
/// </summary>
public static class CardNumberScanner
{
    private const int MinDigits = 13;
    private const int MaxDigits = 19;
    private const int StackLimit = 512;
    private const byte NonAscii = 0x80;

    /// <summary>True when the UTF-8 (or ASCII) <paramref name="text"/> holds a candidate card number.</summary>
    public static bool Contains(ReadOnlySpan<byte> text) => Find(text, out _, out _);

    /// <summary>True when <paramref name="text"/> holds a candidate card number.</summary>
    public static bool Contains(ReadOnlySpan<char> text)
    {
        byte[]? rented = null;
        var bytes = text.Length <= StackLimit ? stackalloc byte[text.Length] : (rented = ArrayPool<byte>.Shared.Rent(text.Length));
        try
        {
            Narrow(text, bytes);
            return Find(bytes[..text.Length], out _, out _);
        }
        finally
        {
            bytes.Clear();
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// <paramref name="text"/> with the digits of every candidate card number replaced by <c>#</c>, separators kept; the same
    /// string when there is none.
    /// </summary>
    public static string Mask(string text)
    {
        if (!Contains(text))
        {
            return text;
        }

        var chars = text.ToCharArray();
        var bytes = new byte[chars.Length];
        Narrow(chars, bytes);
        Mask(bytes);
        for (var i = 0; i < chars.Length; i++)
        {
            if (bytes[i] == (byte)'#')
            {
                chars[i] = '#';
            }
        }

        Array.Clear(bytes);
        return new string(chars);
    }

    /// <summary>
    /// A refused message's topic as it may be kept: every digit masked when a card number was found in it (the payment's own
    /// may be glued inside a token, where <see cref="Mask(string)"/> would not see it), else <see cref="Mask(string)"/>.
    /// </summary>
    public static string MaskTopic(string topic, IReadOnlyList<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            if (error.Field == "topic" && error.Code == ValidationCodes.CardDataMisplaced)
            {
                return string.Create(topic.Length, topic, static (chars, source) =>
                {
                    for (var i = 0; i < chars.Length; i++)
                    {
                        chars[i] = char.IsAsciiDigit(source[i]) ? '#' : source[i];
                    }
                });
            }
        }

        return Mask(topic);
    }

    /// <summary>Overwrites the digits of every candidate card number in <paramref name="text"/> with <c>#</c>.</summary>
    public static void Mask(Span<byte> text)
    {
        var offset = 0;
        while (offset < text.Length && Find(text[offset..], out var start, out var length))
        {
            foreach (ref var b in text.Slice(offset + start, length))
            {
                if (b is >= (byte)'0' and <= (byte)'9')
                {
                    b = (byte)'#';
                }
            }

            offset += start + length;
        }
    }

    private static void Narrow(ReadOnlySpan<char> text, Span<byte> bytes)
    {
        for (var i = 0; i < text.Length; i++)
        {
            // Anything beyond ASCII (a letter of another script, a currency sign) reads as a delimiter: a card number next
            // to it is still found.
            bytes[i] = text[i] < 128 ? (byte)text[i] : NonAscii;
        }
    }

    private static bool Find(ReadOnlySpan<byte> text, out int start, out int length)
    {
        var i = 0;
        while (i < text.Length)
        {
            var next = text[i..].IndexOfAnyInRange((byte)'0', (byte)'9');
            if (next < 0)
            {
                break;
            }

            i += next;

            // A candidate starts at the first digit of a group with nothing alphanumeric before it: never in the middle of a
            // digit run, nor right after a letter.
            if ((i == 0 || !IsAsciiLetter(text[i - 1])) && TryRunAt(text, i, out length))
            {
                start = i;
                return true;
            }

            // The rest of this digit run cannot start a candidate either.
            var end = text[i..].IndexOfAnyExceptInRange((byte)'0', (byte)'9');
            i = end < 0 ? text.Length : i + end;
        }

        start = 0;
        length = 0;
        return false;
    }

    /// <summary>
    /// Walks the digit groups from <paramref name="at"/> joined by one separator, and checks every group boundary that
    /// closes 13–19 digits in a card's layout (so a card number followed by more groups, like an expiry written the same
    /// way, is still found).
    /// </summary>
    private static bool TryRunAt(ReadOnlySpan<byte> text, int at, out int length)
    {
        Span<byte> digits = stackalloc byte[MaxDigits];
        var count = 0;
        var i = at;
        byte separator = 0;
        var found = false;
        var layout = new GroupLayout();
        length = 0;
        while (i < text.Length && !found)
        {
            var groupStart = i;
            while (i < text.Length && IsDigit(text[i]))
            {
                if (count < MaxDigits)
                {
                    digits[count] = text[i];
                }

                count++;
                i++;
            }

            if (i == groupStart || count > MaxDigits)
            {
                break;
            }

            layout.Add(i - groupStart);

            // An unbroken run goes on past this point only if the next byte is a digit, which the loop above consumed; a
            // letter right after the last digit makes the whole run part of a token.
            if (count >= MinDigits && layout.IsCardLayout && (i == text.Length || !IsAsciiLetter(text[i]))
                && CanBeIssued(digits[0], count) && Luhn.IsValid(digits[..count]))
            {
                found = true;
                length = i - at;
                break;
            }

            if (i + 1 < text.Length && IsSeparator(text[i]) && (separator == 0 || separator == text[i]) && IsDigit(text[i + 1]))
            {
                separator = text[i];
                i++;
                continue;
            }

            break;
        }

        digits.Clear();
        return found;
    }

    /// <summary>The lengths of the groups read so far, enough to tell whether they are laid out as a card number is printed.</summary>
    private struct GroupLayout
    {
        private int _groups;
        private int _first;
        private int _second;
        private int _last;
        private bool _foursBeforeLast;

        public void Add(int digits)
        {
            _foursBeforeLast = _groups == 0 || (_foursBeforeLast && _last == 4);
            _groups++;
            if (_groups == 1)
            {
                _first = digits;
            }
            else if (_groups == 2)
            {
                _second = digits;
            }

            _last = digits;
        }

        /// <summary>One unbroken run; fours then one to four; or four, six and four or five.</summary>
        public readonly bool IsCardLayout =>
            _groups == 1
            || (_foursBeforeLast && _last is >= 1 and <= 4)
            || (_groups == 3 && _first == 4 && _second == 6 && _last is 4 or 5);
    }

    /// <summary>
    /// The major industry identifier (ISO/IEC 7812-1), a card number's first digit: no card is issued under 0, and under 1
    /// (airlines) only 15-digit UATP cards. Clocks in milliseconds, microseconds or nanoseconds (13, 16, 19 digits starting
    /// with 1 until 2033) and zero-padded counters, which client libraries put in ids and response topics, are thus no
    /// card numbers.
    /// </summary>
    private static bool CanBeIssued(byte first, int length) => first != (byte)'0' && (first != (byte)'1' || length == 15);

    private static bool IsAsciiLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool IsSeparator(byte b) => b is (byte)' ' or (byte)'-' or (byte)'.' or (byte)'/' or (byte)'_';
}
