namespace EdgeAgent.Core.Pipeline;

/// <summary>Sends an answer back towards the terminal.</summary>
public interface IAnswerPublisher
{
    /// <summary>Publishes <paramref name="payload"/> to <paramref name="topic"/>; completes when the transport has taken it.</summary>
    Task PublishAsync(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes the answer to <paramref name="payment"/>. A transport that knows where the payment came from (the embedded
    /// broker) owes the answer to that client and completes only once the payment's acknowledgement may follow it.
    /// </summary>
    Task PublishAsync(InboundMessage payment, string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        PublishAsync(topic, correlationData, payload, cancellationToken);
}
