using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The settlement of a payment taken by the embedded broker: completing it releases the terminal's PUBACK (held by the
/// connection, <see cref="HeldAcknowledgements"/>, or, for QoS 2, by the publish interceptor awaiting it), and abandoning it
/// closes the connection without one (the terminal sends the payment again).
/// </summary>
internal sealed class HeldPubAck : IMessageSettlement
{
    private readonly TaskCompletionSource<bool> _recorded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The client id the payment came from: its answer is owed to that session, and written there before this PUBACK.</summary>
    public string? Payer { get; set; }

    /// <summary>Completes with true when the payment is recorded, false when it was abandoned.</summary>
    public Task<bool> Recorded => _recorded.Task;

    public ValueTask AcknowledgeAsync(CancellationToken cancellationToken)
    {
        _recorded.TrySetResult(true);
        return ValueTask.CompletedTask;
    }

    public void Abandon() => _recorded.TrySetResult(false);

    /// <summary>Lets the PUBACK go now (a refused payment: its PUBACK carries the refusal).</summary>
    public void Release() => _recorded.TrySetResult(true);
}
