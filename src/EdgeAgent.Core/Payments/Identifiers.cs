namespace EdgeAgent.Core.Payments;

/// <summary>The grammar shared by transaction, store and terminal ids: 1–64 of <c>[A-Za-z0-9_-]</c>.</summary>
public static class Identifiers
{
    /// <summary>Longest id accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>True when <paramref name="id"/> follows the grammar.</summary>
    public static bool IsValid(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!IsIdChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="id"/>, as UTF-8 bytes, follows the grammar.</summary>
    public static bool IsValid(ReadOnlySpan<byte> id)
    {
        if (id.IsEmpty || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!IsIdChar((char)c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-';
}
