namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Whether the pipeline takes new payments. It closes when the record cannot be written (a full or missing device): then
/// no payment is taken, answered or acknowledged, readiness says why, and the broker keeps what terminals send; it opens
/// again by itself once a commit succeeds.
/// </summary>
public sealed class IntakeGate
{
    private readonly object _lock = new();
    private TaskCompletionSource? _closed;

    /// <summary>Why intake is paused; null while it is open.</summary>
    public string? PausedReason { get; private set; }

    /// <summary>Raised when intake pauses or resumes (on the thread that changed it).</summary>
    public event Action<string?>? Changed;

    /// <summary>True while payments are taken.</summary>
    public bool IsOpen => PausedReason is null;

    /// <summary>Completes at once while open; otherwise when the gate opens.</summary>
    public Task WaitOpenAsync(CancellationToken cancellationToken)
    {
        var closed = _closed;
        return closed is null ? Task.CompletedTask : closed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops intake, for <paramref name="reason"/>.</summary>
    public void Close(string reason)
    {
        lock (_lock)
        {
            var changed = PausedReason != reason;
            _closed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            PausedReason = reason;
            if (!changed)
            {
                return;
            }
        }

        Changed?.Invoke(reason);
    }

    /// <summary>Takes payments again.</summary>
    public void Open()
    {
        TaskCompletionSource? closed;
        lock (_lock)
        {
            closed = _closed;
            if (closed is null)
            {
                return;
            }

            _closed = null;
            PausedReason = null;
        }

        closed.TrySetResult();
        Changed?.Invoke(null);
    }
}
