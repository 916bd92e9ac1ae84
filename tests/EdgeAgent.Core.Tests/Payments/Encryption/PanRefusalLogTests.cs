using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Payments.Encryption;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Payments.Encryption;

public sealed class PanRefusalLogTests
{
    private static readonly TopicAddress Terminal = new("store-1", "t1");

    [Fact]
    public void RefusalsWithinTheInterval_AreLoggedOnce_ThenCountedInTheNextLine()
    {
        var time = new FakeTimeProvider(TestPayments.Now);
        var logger = new LinesLogger();
        var log = new PanRefusalLog(time, TimeSpan.FromMinutes(1), logger);
        ValidationError[] refused = [new("pan", ValidationCodes.PanKeyUnknown, "…")];

        for (var i = 0; i < 5; i++)
        {
            log.Report(refused, Terminal);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        log.Report(refused, Terminal);

        Assert.Equal(2, logger.Lines.Count);
        Assert.Contains("pan_key_unknown", logger.Lines[0], StringComparison.Ordinal);
        Assert.Contains("store-1/t1; 0 more", logger.Lines[0], StringComparison.Ordinal);
        Assert.Contains("; 4 more", logger.Lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void OtherRejections_AreNotLogged_AndEachPanCodeHasItsOwnThrottle()
    {
        var logger = new LinesLogger();
        var log = new PanRefusalLog(new FakeTimeProvider(TestPayments.Now), TimeSpan.FromMinutes(1), logger);

        log.Report([new("amount", ValidationCodes.OutOfRange, "…")], Terminal);
        log.Report([new("pan", ValidationCodes.PanClearRefused, "…")], Terminal);
        log.Report([new("pan", ValidationCodes.PanEncryptionInvalid, "…")], null);

        Assert.Equal(2, logger.Lines.Count);
        Assert.Contains("(unknown topic)", logger.Lines[1], StringComparison.Ordinal);
    }

    private sealed class LinesLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
