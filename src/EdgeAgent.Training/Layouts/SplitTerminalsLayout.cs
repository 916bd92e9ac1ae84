using System.Globalization;
using EdgeAgent.Core.Payments;
using EdgeAgent.Sparkov;

namespace EdgeAgent.Training.Layouts;

/// <summary>
/// Each merchant a store with between <see cref="MinTerminals"/> and <see cref="MaxTerminals"/> terminals (drawn per
/// merchant), each payment at one of them at random: the store's traffic split over its terminals.
/// </summary>
public sealed class SplitTerminalsLayout(int seed) : StoreLayout
{
    public const string LayoutName = "k-terminals-per-store";

    public const int MinTerminals = 2;

    public const int MaxTerminals = 12;

    public override string Name => LayoutName;

    public override string Description =>
        $"each merchant a store with {MinTerminals}–{MaxTerminals} terminals, each payment at one of them at random";

    public override bool TryRoute(SparkovRecord record, long row, out TopicAddress address)
    {
        var terminals = MinTerminals + SeededHash.Below(SeededHash.Of(seed, record.Merchant), MaxTerminals - MinTerminals + 1);
        var terminal = SeededHash.Below(SeededHash.Of(seed, row), terminals);
        address = new TopicAddress(MerchantStore(record), "t" + (terminal + 1).ToString(CultureInfo.InvariantCulture));
        return true;
    }
}
