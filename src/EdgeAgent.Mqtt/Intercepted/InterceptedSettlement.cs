using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Mqtt.Intercepted;

/// <summary>
/// The settlement of a payment the intercepted broker took: the publish interceptor awaits <see cref="Recorded"/>, and
/// MQTTnet sends the PUBACK only once the interceptor returns.
/// </summary>
internal sealed class InterceptedSettlement : IMessageSettlement
{
    private readonly TaskCompletionSource<bool> _recorded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with true when the payment is recorded, false when it was abandoned (no PUBACK then).</summary>
    public Task<bool> Recorded => _recorded.Task;

    public ValueTask AcknowledgeAsync(CancellationToken cancellationToken)
    {
        _recorded.TrySetResult(true);
        return ValueTask.CompletedTask;
    }

    public void Abandon() => _recorded.TrySetResult(false);
}
