using System.Globalization;

namespace EdgeAgent.Training.Data;

/// <summary>
/// Whole UTC calendar months, <c>2023-10</c> or <c>2023-01..2023-09</c>. The data's <c>unix_time</c> is UTC,
/// so a month boundary here is the same instant for every row whatever a terminal's offset.
/// </summary>
public sealed record MonthRange
{
    private MonthRange(DateOnly first, DateOnly last)
    {
        First = first;
        Last = last;
    }

    /// <summary>First day of the first month.</summary>
    public DateOnly First { get; }

    /// <summary>First day of the last month.</summary>
    public DateOnly Last { get; }

    /// <summary>Inclusive start, seconds since the Unix epoch.</summary>
    public long StartUnixSeconds => ToUnixSeconds(First);

    /// <summary>Exclusive end: the start of the month after <see cref="Last"/>.</summary>
    public long EndUnixSeconds => ToUnixSeconds(Last.AddMonths(1));

    public static MonthRange Of(int year, int firstMonth, int lastMonth) =>
        new(new DateOnly(year, firstMonth, 1), new DateOnly(year, lastMonth, 1));

    /// <summary>Parses <c>yyyy-MM</c> or <c>yyyy-MM..yyyy-MM</c>.</summary>
    public static MonthRange Parse(string text)
    {
        var parts = text.Split("..");
        if (parts.Length > 2)
        {
            throw new FormatException($"'{text}' is not a month or a month range such as 2023-01..2023-09.");
        }

        var first = ParseMonth(parts[0]);
        var last = parts.Length == 2 ? ParseMonth(parts[1]) : first;
        if (last < first)
        {
            throw new FormatException($"'{text}' ends before it starts.");
        }

        return new MonthRange(first, last);
    }

    public bool Contains(long unixSeconds) => unixSeconds >= StartUnixSeconds && unixSeconds < EndUnixSeconds;

    public override string ToString() =>
        First == Last ? Month(First) : string.Concat(Month(First), "..", Month(Last));

    private static DateOnly ParseMonth(string text) =>
        DateOnly.ParseExact(text.Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Month(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static long ToUnixSeconds(DateOnly day) =>
        new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
}
