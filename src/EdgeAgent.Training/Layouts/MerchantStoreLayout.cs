using EdgeAgent.Core.Payments;
using EdgeAgent.Sparkov;

namespace EdgeAgent.Training.Layouts;

/// <summary>Each merchant a store with one terminal: the way the POS simulator sends the data.</summary>
public sealed class MerchantStoreLayout : StoreLayout
{
    public const string LayoutName = "one-terminal-per-merchant";

    public override string Name => LayoutName;

    public override string Description => "each merchant a store with one terminal";

    public override bool TryRoute(SparkovRecord record, long row, out TopicAddress address)
    {
        address = new TopicAddress(MerchantStore(record), SparkovMapping.TerminalId);
        return true;
    }
}
