using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace EdgeAgent.Benchmarks;

/// <summary>The runtime's allocation samples (one about every 100 KB), summed by type: where the bytes of a run go.</summary>
internal sealed class AllocationTypes : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new();

    public bool Listening { get; set; }

    public IEnumerable<KeyValuePair<string, long>> Top(int count) => _bytes.OrderByDescending(p => p.Value).Take(count);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!Listening || eventData.EventName != "GCAllocationTick_V4" || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.Payload[eventData.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(eventData.Payload[eventData.PayloadNames!.IndexOf("AllocationAmount")], System.Globalization.CultureInfo.InvariantCulture);
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
