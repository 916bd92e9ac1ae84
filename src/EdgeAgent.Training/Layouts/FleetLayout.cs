using System.Globalization;
using EdgeAgent.Core.Payments;
using EdgeAgent.Sparkov;

namespace EdgeAgent.Training.Layouts;

/// <summary>
/// The product as deployed: <see cref="Stores"/> stores, one agent each, every merchant selling in one store (drawn per
/// merchant). Each agent keeps its own feature state; the other stores' payments reach it after <see cref="Lag"/> of
/// payment time, as a fleet service would push them, or never (<see cref="Lag"/> null: each store alone). The replay
/// runs such a layout through <see cref="Fleet.FleetFeatures"/> rather than one shared state.
/// </summary>
public sealed class FleetLayout(int seed, int stores, TimeSpan? lag) : StoreLayout
{
    public const string Prefix = "fleet-";

    public int Stores { get; } = stores > 0 ? stores : throw new ArgumentOutOfRangeException(nameof(stores), "At least one store.");

    /// <summary>How long after a payment the other stores see it; null when they never do.</summary>
    public TimeSpan? Lag { get; } = lag is null || lag >= TimeSpan.Zero ? lag : throw new ArgumentOutOfRangeException(nameof(lag), "A lag is not negative.");

    public override string Name => string.Create(
        CultureInfo.InvariantCulture, $"{Prefix}{Stores}-{(Lag is { } l ? "lag-" + FormatLag(l) : "alone")}");

    public override string Description => Lag is { } l
        ? string.Create(CultureInfo.InvariantCulture, $"{Stores} stores, one agent each; the other stores' payments reach an agent {FormatLag(l)} after they happen")
        : string.Create(CultureInfo.InvariantCulture, $"{Stores} stores, one agent each, no fleet: every agent sees only its own store's payments");

    /// <summary>The store of a merchant: <c>store-1</c> … <c>store-N</c>.</summary>
    public string StoreOf(string merchant) =>
        "store-" + (SeededHash.Below(SeededHash.Of(seed, merchant), Stores) + 1).ToString(CultureInfo.InvariantCulture);

    public override bool TryRoute(SparkovRecord record, long row, out TopicAddress address)
    {
        address = new TopicAddress(StoreOf(record.Merchant), SparkovMapping.TerminalId);
        return true;
    }

    /// <summary><c>0s</c>, <c>10s</c>, <c>1m</c>, <c>10m</c>, <c>1h</c>: the largest whole unit.</summary>
    public static string FormatLag(TimeSpan lag) =>
        lag.Ticks % TimeSpan.TicksPerHour == 0 && lag > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $"{(long)lag.TotalHours}h")
        : lag.Ticks % TimeSpan.TicksPerMinute == 0 && lag > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $"{(long)lag.TotalMinutes}m")
        : lag.Ticks % TimeSpan.TicksPerSecond == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(long)lag.TotalSeconds}s")
        : string.Create(CultureInfo.InvariantCulture, $"{(long)lag.TotalMilliseconds}ms");

    /// <summary>Reads <c>0</c>, <c>250ms</c>, <c>10s</c>, <c>1m</c>, <c>2h</c>; null for text that is none of these.</summary>
    public static TimeSpan? ParseLag(string text)
    {
        var t = text.Trim();
        var (unit, digits) = t.EndsWith("ms", StringComparison.Ordinal) ? (1L, t[..^2])
            : t.EndsWith('s') ? (1_000L, t[..^1])
            : t.EndsWith('m') ? (60_000L, t[..^1])
            : t.EndsWith('h') ? (3_600_000L, t[..^1])
            : (t == "0" ? 1L : 0L, t);
        return unit > 0 && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 1_000_000_000
            ? TimeSpan.FromMilliseconds(n * unit)
            : null;
    }
}
