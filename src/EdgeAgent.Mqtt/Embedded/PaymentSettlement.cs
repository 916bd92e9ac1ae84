using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The settlement of a payment the broker took: its PUBACK is held by the connection (<see cref="HeldAcknowledgements"/>)
/// until <see cref="Recorded"/>; abandoning it ends the connection without one (the terminal sends the payment again). Its answer's write is awaited there too, on the payer's
/// own connection, never by the record loop, which acknowledges every terminal's payments of a commit in turn.
/// </summary>
internal sealed class PaymentSettlement(string payer, TimeProvider time) : IMessageSettlement
{
    private readonly TaskCompletionSource<bool> _recorded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private OwedAnswer? _answer;

    /// <summary>The client id the payment came from: its answer is owed to that session, and written there before the PUBACK.</summary>
    public string Payer { get; } = payer;

    /// <summary>Completes with true when the payment is recorded, false when it was abandoned (no PUBACK then).</summary>
    public Task<bool> Recorded => _recorded.Task;

    /// <summary>When the record loop acknowledged the payment (<see cref="TimeProvider.GetTimestamp"/>); 0 until then.</summary>
    public long RecordedTimestamp { get; private set; }

    /// <summary>When the pipeline gave the answer (<see cref="TimeProvider.GetTimestamp"/>); 0 until then.</summary>
    public long AnsweredTimestamp { get; private set; }

    public ValueTask AcknowledgeAsync(CancellationToken cancellationToken)
    {
        RecordedTimestamp = time.GetTimestamp();
        _recorded.TrySetResult(true);
        return ValueTask.CompletedTask;
    }

    public void Abandon() => _recorded.TrySetResult(false);

    /// <summary>The answer owed to <see cref="Payer"/> for this payment, once given; its PUBACK waits for it to be written.</summary>
    public OwedAnswer? Answer
    {
        get => _answer;
        set
        {
            _answer = value;
            AnsweredTimestamp = time.GetTimestamp();
        }
    }
}
