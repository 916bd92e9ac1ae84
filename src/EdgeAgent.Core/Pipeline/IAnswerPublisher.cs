namespace EdgeAgent.Core.Pipeline;

/// <summary>Sends an answer back towards the terminal.</summary>
public interface IAnswerPublisher
{
    /// <summary>Publishes <paramref name="payload"/> to <paramref name="topic"/>; completes when the transport has taken it.</summary>
    Task PublishAsync(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
