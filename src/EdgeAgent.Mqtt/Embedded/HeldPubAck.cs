using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The settlement of a payment taken by the embedded broker: MQTTnet awaits the publish interceptor before it sends
/// the terminal its PUBACK, so completing this releases the PUBACK, and abandoning it closes the connection without
/// one (the terminal sends the payment again).
/// </summary>
internal sealed class HeldPubAck : IMessageSettlement
{
    private readonly TaskCompletionSource<bool> _recorded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with true when the payment is recorded, false when it was abandoned.</summary>
    public Task<bool> Recorded => _recorded.Task;

    public ValueTask AcknowledgeAsync(CancellationToken cancellationToken)
    {
        _recorded.TrySetResult(true);
        return ValueTask.CompletedTask;
    }

    public void Abandon() => _recorded.TrySetResult(false);
}
