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
    private readonly KeyedLogThrottle<string> _throttle;
    private readonly ILogger _logger;

    /// <summary>Logs through <paramref name="logger"/> at most once per code per <paramref name="interval"/>.</summary>
    public PanRefusalLog(TimeProvider time, TimeSpan interval, ILogger logger)
    {
        _throttle = new KeyedLogThrottle<string>(time, interval);
        _logger = logger;
    }

    /// <summary>Looks through a rejected payment's errors for a card number refusal and logs it, throttled.</summary>
    public void Report(IReadOnlyList<ValidationError> errors, TopicAddress? address)
    {
        foreach (var error in errors)
        {
            if (Array.IndexOf(Codes, error.Code) >= 0 && _throttle.TryLog(error.Code, out var unlogged))
            {
                var terminal = address is { } a ? a.StoreId + "/" + a.TerminalId : "(unknown topic)";
                LogRefused(error.Code, terminal, unlogged, (int)_throttle.Interval.TotalSeconds);
            }
        }
    }

    [LoggerMessage(EventId = 135, Level = LogLevel.Warning,
        Message = "A card number was refused ({Code}) from terminal {Terminal}; {Unlogged} more such refusals went unlogged since the last such line (at most one every {IntervalSeconds} s)")]
    private partial void LogRefused(string code, string terminal, long unlogged, int intervalSeconds);
}
