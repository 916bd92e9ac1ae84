using System.Text.Json.Serialization;
using EdgeAgent.Fleet.Contracts;

namespace EdgeAgent.Fleet.Uplink;

/// <summary>What became of one uplink message, sent back to its store: accepted, duplicate, stale, and refused by reason.</summary>
internal sealed class Receipt
{
    public Dictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

    public static Receipt Refused(string reason)
    {
        var receipt = new Receipt();
        receipt.Counts[reason] = 1;
        return receipt;
    }

    /// <summary>Counts <paramref name="count"/> refused for <paramref name="reason"/> (a refusal outside the grains: links).</summary>
    public void AddRefused(string reason, int count) => Bump(reason, count);

    public void Add(RecordResult result)
    {
        Bump("accepted", result.Accepted);
        Bump("duplicate", result.Duplicates);
        Bump("stale", result.Stale);
        foreach (var (reason, count) in result.Refused)
        {
            Bump(reason, count);
        }
    }

    private void Bump(string key, int count)
    {
        if (count > 0)
        {
            Counts[key] = Counts.GetValueOrDefault(key) + count;
        }
    }
}

[JsonSerializable(typeof(Dictionary<string, int>))]
internal sealed partial class ReceiptJson : JsonSerializerContext;
