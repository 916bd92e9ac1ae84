using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Mqtt;

/// <summary>A transport that receives payments from terminals and carries answers back.</summary>
public interface IIngest : IAnswerPublisher, IAsyncDisposable
{
    /// <summary>One line for the status and the logs, e.g. "embedded broker on 127.0.0.1:1883".</summary>
    string Description { get; }

    /// <summary>True while messages can flow.</summary>
    bool IsConnected { get; }

    /// <summary>Starts receiving; every message goes to <paramref name="sink"/>.</summary>
    Task StartAsync(IInboundSink sink, CancellationToken cancellationToken);

    /// <summary>Stops taking new messages; what was received can still be acknowledged and answered.</summary>
    Task StopReceivingAsync(CancellationToken cancellationToken);

    /// <summary>Closes the transport.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
