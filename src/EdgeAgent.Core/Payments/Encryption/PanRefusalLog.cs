using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Payments.Encryption;

/// <summary>
/// Logs the refusals of card numbers that concern the node key or the terminal's setup (<c>pan_encryption_invalid</c>,
/// <c>pan_key_unknown</c>, <c>pan_clear_refused</c>) at most once per code per interval, with how many went unlogged:
/// a terminal left with a rotated-out key or sending in clear shows in the log without a flood. Each one is counted in
/// full by the rejection metric.
/// </summary>
public sealed partial class PanRefusalLog
{
    private static readonly string[] Codes = [ValidationCodes.PanEncryptionInvalid, ValidationCodes.PanKeyUnknown, ValidationCodes.PanClearRefused];
    private const long NeverLogged = long.MinValue;
    private readonly long[] _lastLogged = [NeverLogged, NeverLogged, NeverLogged];
    private readonly int[] _unlogged = new int[3];
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;

    /// <summary>Logs through <paramref name="logger"/> at most once per code per <paramref name="interval"/>.</summary>
    public PanRefusalLog(TimeProvider time, TimeSpan interval, ILogger logger)
    {
        _time = time;
        _interval = interval;
        _logger = logger;
    }

    /// <summary>Looks through a rejected payment's errors for a card number refusal and logs it, throttled.</summary>
    public void Report(IReadOnlyList<ValidationError> errors, TopicAddress? address)
    {
        foreach (var error in errors)
        {
            var i = Array.IndexOf(Codes, error.Code);
            if (i >= 0)
            {
                Report(i, address);
            }
        }
    }

    private void Report(int i, TopicAddress? address)
    {
        var now = _time.GetTimestamp();
        var last = Volatile.Read(ref _lastLogged[i]);
        if ((last != NeverLogged && _time.GetElapsedTime(last, now) < _interval)
            || Interlocked.CompareExchange(ref _lastLogged[i], now, last) != last)
        {
            Interlocked.Increment(ref _unlogged[i]);
            return;
        }

        var unlogged = Interlocked.Exchange(ref _unlogged[i], 0);
        var terminal = address is { } a ? a.StoreId + "/" + a.TerminalId : "(unknown topic)";
        LogRefused(Codes[i], terminal, unlogged, (int)_interval.TotalSeconds);
    }

    [LoggerMessage(EventId = 135, Level = LogLevel.Warning,
        Message = "A card number was refused ({Code}) from terminal {Terminal}; {Unlogged} more such refusals went unlogged since the last such line (at most one every {IntervalSeconds} s)")]
    private partial void LogRefused(string code, string terminal, int unlogged, int intervalSeconds);
}
