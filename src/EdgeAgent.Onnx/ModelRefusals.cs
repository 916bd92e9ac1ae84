using System.Diagnostics;
using System.Diagnostics.Metrics;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Onnx;

/// <summary>
/// Counts every refused model by reason (<c>edgeagent.model.refusals</c>, tag <c>reason</c>, on the meter
/// <c>EdgeAgent</c>): at a switch, by the folder watcher, for a model assigned from the cloud. It also keeps the last
/// refusal for /status and the reported properties, and lets one log line per reason through per interval, so that a
/// cloud or a script retrying a forged model in a loop writes a trickle while the counter has them all.
/// </summary>
public sealed class ModelRefusals
{
    public const string MeterName = "EdgeAgent";
    public const string InstrumentName = "edgeagent.model.refusals";

    private static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);
    private readonly Counter<long>? _counter;
    private readonly long[] _totals = new long[ModelRefusalReasons.All.Count];
    private readonly long[] _lastLogged = Enumerable.Repeat(long.MinValue, ModelRefusalReasons.All.Count).ToArray();
    private readonly int[] _unlogged = new int[ModelRefusalReasons.All.Count];
    private readonly TimeProvider _time;
    private ModelRefusal? _last;

    public ModelRefusals(IMeterFactory? meterFactory, TimeProvider time)
    {
        _time = time;

        // The factory owns the meter (shared with the agent's other instruments of the same name): not disposed here.
        _counter = meterFactory?.Create(MeterName).CreateCounter<long>(InstrumentName, "{model}",
            "Models refused at a switch, by the folder watcher or from the cloud, by reason (unsigned, unknown_key, bad_signature, file_altered, ...)");
    }

    /// <summary>The last refusal since start; null when none.</summary>
    public ModelRefusal? Last => Volatile.Read(ref _last);

    /// <summary>Refusals so far, all reasons.</summary>
    public long Total => Enumerable.Range(0, _totals.Length).Sum(i => Volatile.Read(ref _totals[i]));

    /// <summary>Refusals so far for <paramref name="reason"/>.</summary>
    public long Count(string reason) => Volatile.Read(ref _totals[Index(reason)]);

    /// <summary>
    /// Counts one refusal and remembers it; true when a log line may be written now, with how many refusals of the same
    /// reason went unlogged since the last line.
    /// </summary>
    public bool Add(string model, string reason, string detail, out int unlogged)
    {
        var i = Index(reason);
        Interlocked.Increment(ref _totals[i]);
        _counter?.Add(1, new TagList { { "reason", ModelRefusalReasons.All[i] } });
        Volatile.Write(ref _last, new ModelRefusal(model, ModelRefusalReasons.All[i], detail, _time.GetUtcNow()));
        var now = _time.GetTimestamp();
        var last = Volatile.Read(ref _lastLogged[i]);
        if ((last != long.MinValue && _time.GetElapsedTime(last, now) < LogInterval)
            || Interlocked.CompareExchange(ref _lastLogged[i], now, last) != last)
        {
            Interlocked.Increment(ref _unlogged[i]);
            unlogged = 0;
            return false;
        }

        unlogged = Interlocked.Exchange(ref _unlogged[i], 0);
        return true;
    }

    private static int Index(string reason)
    {
        for (var i = 0; i < ModelRefusalReasons.All.Count; i++)
        {
            if (ModelRefusalReasons.All[i] == reason)
            {
                return i;
            }
        }

        return ModelRefusalReasons.All.Count - 1;
    }
}
