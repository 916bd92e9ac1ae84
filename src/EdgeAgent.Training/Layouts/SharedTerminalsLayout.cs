using System.Globalization;
using EdgeAgent.Core.Payments;
using EdgeAgent.Sparkov;

namespace EdgeAgent.Training.Layouts;

/// <summary>
/// <see cref="Stores"/> stores of <see cref="TerminalsPerStore"/> terminals; every merchant sells in one store (drawn
/// per merchant) and each of its payments goes to one of that store's terminals at random, so every terminal
/// serves several merchants: a shopping centre's shared tills.
/// </summary>
public sealed class SharedTerminalsLayout(int seed) : StoreLayout
{
    public const string LayoutName = "shared-terminals";

    public const int Stores = 50;

    public const int TerminalsPerStore = 8;

    public override string Name => LayoutName;

    public override string Description =>
        $"{Stores} stores of {TerminalsPerStore} terminals, each terminal serving several merchants";

    public override bool TryRoute(SparkovRecord record, long row, out TopicAddress address)
    {
        var store = SeededHash.Below(SeededHash.Of(seed, record.Merchant), Stores);
        var terminal = SeededHash.Below(SeededHash.Of(seed, row), TerminalsPerStore);
        address = new TopicAddress(
            "store-" + (store + 1).ToString(CultureInfo.InvariantCulture),
            "t" + (terminal + 1).ToString(CultureInfo.InvariantCulture));
        return true;
    }
}
