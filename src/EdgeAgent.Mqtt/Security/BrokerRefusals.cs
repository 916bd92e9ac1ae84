using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// Counts every refusal of the terminals' broker by reason: the instrument <c>edgeagent.broker.refusals</c>
/// (tag <c>reason</c>) on the meter <c>EdgeAgent</c>, and in-process totals for the agent's own metrics text.
/// A rising count is someone on the LAN trying what they may not, or a terminal set up wrongly.
/// </summary>
public sealed class BrokerRefusals
{
    public const string MeterName = "EdgeAgent";
    public const string InstrumentName = "edgeagent.broker.refusals";

    private readonly Counter<long> _counter;
    private readonly long[] _totals = new long[RefusalReasons.All.Count];

    public BrokerRefusals(IMeterFactory meterFactory)
    {
        // The factory owns the meter (and shares it with the agent's other instruments of the same name): not disposed here.
        var meter = meterFactory.Create(MeterName);
        _counter = meter.CreateCounter<long>(InstrumentName, "{refusal}", "Connections, publishes and subscriptions the terminals' broker refused, by reason");
    }

    /// <summary>Counts one refusal.</summary>
    public void Add(RefusalReason reason)
    {
        Interlocked.Increment(ref _totals[(int)reason]);
        _counter.Add(1, new TagList { { "reason", reason.Tag() } });
    }

    /// <summary>Refusals so far for <paramref name="reason"/>.</summary>
    public long Count(RefusalReason reason) => Volatile.Read(ref _totals[(int)reason]);

    /// <summary>Every reason with its count so far, zeros included.</summary>
    public IReadOnlyList<(RefusalReason Reason, long Count)> Snapshot() => RefusalReasons.All.Select(r => (r, Count(r))).ToList();
}
