using System.Buffers;

namespace EdgeAgent.Core.Payments;

/// <summary>
/// Finds a payment's own card number elsewhere in its message: its digits, in order, among the digits of a text, whatever
/// lies between them (letters, separators, JSON escapes such as <c>\u0034</c>). So <c>ab4111111111111111cd</c>,
/// <c>card=4111-1111-1111-1111</c> and a card number split over two fields are all found, where
/// <see cref="CardNumberScanner"/>, which must not refuse tokens, lets glued digits pass. Looking for one known number
/// cannot refuse an id by chance the way a Luhn check does: a given 13–19 digit number turns up at a random position once
/// in 10^13 or more. Compares in place, in constant memory: the card number is never copied.
/// </summary>
internal static class OwnCardNumber
{
    private static readonly SearchValues<byte> DigitOrEscape = SearchValues.Create("0123456789\\"u8);

    /// <summary>
    /// True when <paramref name="pan"/> (ASCII digits) is among the digits of the raw JSON <paramref name="json"/>, outside
    /// the <paramref name="skipLength"/> bytes at <paramref name="skipStart"/> (the pan's own value).
    /// </summary>
    public static bool InJson(ReadOnlySpan<byte> json, int skipStart, int skipLength, ReadOnlySpan<byte> pan)
    {
        var source = new JsonDigits(json, skipStart, skipStart + skipLength);
        return Find(ref source, pan);
    }

    /// <summary>True when <paramref name="pan"/> (ASCII digits) is among the digits of <paramref name="text"/>.</summary>
    public static bool InText(ReadOnlySpan<char> text, ReadOnlySpan<byte> pan)
    {
        var source = new TextDigits(text);
        return Find(ref source, pan);
    }

    /// <summary>
    /// True when <paramref name="pan"/> (ASCII digits) is in binary <paramref name="data"/>: among its ASCII digits, or among
    /// its packed-BCD digits (two to a byte, as ISO 8583 carries a card number), starting on either half of a byte.
    /// </summary>
    public static bool InBytes(ReadOnlySpan<byte> data, ReadOnlySpan<byte> pan)
    {
        var ascii = new AsciiDigits(data);
        if (Find(ref ascii, pan))
        {
            return true;
        }

        var packed = new PackedDigits(data);
        return Find(ref packed, pan);
    }

    /// <summary>
    /// Tries every place the card number's first digit is found (a vectorized search skips the rest) as its start; a
    /// mismatch usually shows at the next digit or the one after, so this costs little more than the search, and at worst
    /// the card number's length per digit of the source.
    /// </summary>
    private static bool Find<T>(ref T source, ReadOnlySpan<byte> pan)
        where T : IDigitSource, allows ref struct
    {
        if (pan.IsEmpty)
        {
            return false;
        }

        var position = 0;
        while (source.NextOf(ref position, pan[0]))
        {
            var next = position;
            var matched = 1;
            while (matched < pan.Length && source.Next(ref next, out var digit) && digit == pan[matched])
            {
                matched++;
            }

            if (matched == pan.Length)
            {
                return true;
            }
        }

        return false;
    }

    private interface IDigitSource
    {
        /// <summary>Moves <paramref name="position"/> past the next digit and gives it (an ASCII digit); false at the end.</summary>
        bool Next(ref int position, out byte digit);

        /// <summary>Moves <paramref name="position"/> past the next digit that is <paramref name="digit"/>; false at the end.</summary>
        bool NextOf(ref int position, byte digit);
    }

    /// <summary>The digits of raw JSON as its text reads: a <c>\u003X</c> escape is a digit, other escapes are not.</summary>
    private readonly ref struct JsonDigits(ReadOnlySpan<byte> json, int skipStart, int skipEnd) : IDigitSource
    {
        private readonly ReadOnlySpan<byte> _json = json;

        public bool Next(ref int position, out byte digit)
        {
            while (position < _json.Length)
            {
                if (position >= skipStart && position < skipEnd)
                {
                    position = skipEnd;
                    continue;
                }

                var limit = position < skipStart ? skipStart : _json.Length;
                var found = _json[position..limit].IndexOfAny(DigitOrEscape);
                if (found < 0)
                {
                    position = limit;
                    continue;
                }

                position += found;
                var b = _json[position];
                if (b != (byte)'\\')
                {
                    position++;
                    digit = b;
                    return true;
                }

                // Outside strings valid JSON has no backslash; inside, an escape is read whole, so \\u0034 is no digit 4.
                if (position + 1 < _json.Length && _json[position + 1] == (byte)'u')
                {
                    var escaped = position + 6 <= _json.Length ? _json.Slice(position + 2, 4) : default;
                    position += 6;
                    if (escaped.Length == 4 && escaped[0] == (byte)'0' && escaped[1] == (byte)'0' && escaped[2] == (byte)'3' && IsDigit(escaped[3]))
                    {
                        digit = escaped[3];
                        return true;
                    }
                }
                else
                {
                    position += 2;
                }
            }

            digit = 0;
            return false;
        }

        public bool NextOf(ref int position, byte digit)
        {
            // Only that digit and backslashes (an escape may spell it) need a look; everything else is skipped at once.
            while (position < _json.Length)
            {
                if (position >= skipStart && position < skipEnd)
                {
                    position = skipEnd;
                    continue;
                }

                var limit = position < skipStart ? skipStart : _json.Length;
                var found = _json[position..limit].IndexOfAny(digit, (byte)'\\');
                if (found < 0)
                {
                    position = limit;
                    continue;
                }

                position += found;
                if (_json[position] == digit)
                {
                    position++;
                    return true;
                }

                var before = position;
                if (Next(ref position, out var escaped) && escaped == digit && position - before == 6)
                {
                    return true;
                }

                // Not that digit: go on right after the escape, never past a digit Next may have read beyond it.
                position = before + (before + 1 < _json.Length && _json[before + 1] == (byte)'u' ? 6 : 2);
            }

            return false;
        }
    }

    private readonly ref struct TextDigits(ReadOnlySpan<char> text) : IDigitSource
    {
        private readonly ReadOnlySpan<char> _text = text;

        public bool Next(ref int position, out byte digit)
        {
            var found = position < _text.Length ? _text[position..].IndexOfAnyInRange('0', '9') : -1;
            if (found < 0)
            {
                position = _text.Length;
                digit = 0;
                return false;
            }

            position += found;
            digit = (byte)_text[position++];
            return true;
        }

        public bool NextOf(ref int position, byte digit)
        {
            var found = position < _text.Length ? _text[position..].IndexOf((char)digit) : -1;
            if (found < 0)
            {
                position = _text.Length;
                return false;
            }

            position += found + 1;
            return true;
        }
    }

    private readonly ref struct AsciiDigits(ReadOnlySpan<byte> data) : IDigitSource
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public bool Next(ref int position, out byte digit)
        {
            var found = position < _data.Length ? _data[position..].IndexOfAnyInRange((byte)'0', (byte)'9') : -1;
            if (found < 0)
            {
                position = _data.Length;
                digit = 0;
                return false;
            }

            position += found;
            digit = _data[position++];
            return true;
        }

        public bool NextOf(ref int position, byte digit)
        {
            var found = position < _data.Length ? _data[position..].IndexOf(digit) : -1;
            if (found < 0)
            {
                position = _data.Length;
                return false;
            }

            position += found + 1;
            return true;
        }
    }

    /// <summary>Half-bytes, high one first; those over 9 (BCD padding, binary) are skipped.</summary>
    private readonly ref struct PackedDigits(ReadOnlySpan<byte> data) : IDigitSource
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public bool Next(ref int position, out byte digit)
        {
            while (position < _data.Length * 2)
            {
                var b = _data[position >> 1];
                var half = (position & 1) == 0 ? b >> 4 : b & 0x0F;
                position++;
                if (half <= 9)
                {
                    digit = (byte)('0' + half);
                    return true;
                }
            }

            digit = 0;
            return false;
        }

        public bool NextOf(ref int position, byte digit)
        {
            while (Next(ref position, out var next))
            {
                if (next == digit)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
