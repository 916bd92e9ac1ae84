using System.Globalization;
using EdgeAgent.Core.Payments;
using EdgeAgent.Sparkov;

namespace EdgeAgent.Training.Layouts;

/// <summary>
/// Each merchant a store with 1–4 terminals, but a share of the stores (<see cref="OpeningShare"/>, drawn per
/// merchant) opens on a day drawn between <c>opensFrom</c> and <c>opensUntil</c>: their payments before that day
/// never happen, so from its first day such a store, and every card that pays there, is seen without the history
/// the other layouts give it.
/// </summary>
public sealed class LateOpeningLayout(int seed, DateTimeOffset opensFrom, DateTimeOffset opensUntil) : StoreLayout
{
    public const string LayoutName = "stores-open-mid-period";

    public const double OpeningShare = 0.25;

    private const int MaxTerminals = 4;

    private readonly Dictionary<string, long> _opensAt = new(StringComparer.Ordinal);

    public override string Name => LayoutName;

    public override string Description => string.Create(
        CultureInfo.InvariantCulture,
        $"each merchant a store with 1–{MaxTerminals} terminals; {OpeningShare:P0} of the stores open on a day between {opensFrom:yyyy-MM-dd} and {opensUntil:yyyy-MM-dd}");

    /// <summary>When the merchant's store opens; <see cref="DateTimeOffset.MinValue"/> for one open from the start.</summary>
    public DateTimeOffset OpensAt(string merchant)
    {
        var draw = SeededHash.Of(seed ^ 0x5EED, merchant);
        if (SeededHash.Unit(draw) >= OpeningShare)
        {
            return DateTimeOffset.MinValue;
        }

        var days = Math.Max(1, (int)(opensUntil - opensFrom).TotalDays);
        return opensFrom.AddDays(SeededHash.Below(SeededHash.Of(seed, merchant + "/opens"), days));
    }

    public override bool TryRoute(SparkovRecord record, long row, out TopicAddress address)
    {
        if (!_opensAt.TryGetValue(record.Merchant, out var opensAt))
        {
            opensAt = OpensAt(record.Merchant).ToUnixTimeSeconds();
            _opensAt.Add(record.Merchant, opensAt);
        }

        if (record.UnixTime < opensAt)
        {
            address = default;
            return false;
        }

        var terminals = 1 + SeededHash.Below(SeededHash.Of(seed, record.Merchant), MaxTerminals);
        var terminal = SeededHash.Below(SeededHash.Of(seed, row), terminals);
        address = new TopicAddress(MerchantStore(record), "t" + (terminal + 1).ToString(CultureInfo.InvariantCulture));
        return true;
    }
}
