using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

/// <summary>A logger factory that keeps every line, to count what a flood makes the broker write.</summary>
internal sealed class LogRecorder : ILoggerFactory
{
    public ConcurrentQueue<(int EventId, LogLevel Level, string Message)> Lines { get; } = new();

    public int Count(int eventId) => Lines.Count(l => l.EventId == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(LogRecorder owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
    }
}
