using EdgeAgent.Core.Payments;
using EdgeAgent.Sparkov;

namespace EdgeAgent.Training.Layouts;

/// <summary>
/// How a site's payments reach the agent: which store and terminal each payment's topic names. The data set names
/// only the merchant; a layout assigns stores and terminals to it, deterministically from a seed, so the same rows
/// can be replayed as a site with one terminal per merchant, one with many, one where merchants share terminals,
/// or one where stores open part-way through. The payment's merchant id stays the data's merchant in every layout.
/// </summary>
public abstract class StoreLayout
{
    /// <summary>Short name, as the commands and the cards name it.</summary>
    public abstract string Name { get; }

    /// <summary>One line saying what the layout is.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// The store and terminal of row <paramref name="row"/> (its index in the file); false when the row does not
    /// happen in this layout (its store has not opened yet).
    /// </summary>
    public abstract bool TryRoute(SparkovRecord record, long row, out TopicAddress address);

    public override string ToString() => Name;

    /// <summary>The merchant's store id, as the one-store-per-merchant layouts name it.</summary>
    protected static string MerchantStore(SparkovRecord record) => SparkovMapping.StoreId(record.Merchant);
}
