namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The payments answered and not yet recorded and acknowledged, counted in payments rather than batches: at light load a
/// batch is one payment, so a bound in batches would let a short stall of the device reach the answers. The scoring loop
/// is admitted while the count is under the capacity (a whole batch at a time, so the count may pass it by less than one
/// batch); the record loop gives the payments back once their group is committed and acknowledged. While the count is at
/// the capacity the scoring loop waits with the batch it has already answered, the intake queue fills behind it, and
/// receiving waits: intake pauses, and the answers already given are never held back.
/// </summary>
internal sealed class RecordBacklog(int capacity)
{
    private readonly object _lock = new();
    private int _payments;
    private bool _closed;
    private TaskCompletionSource? _space;

    /// <summary>Payments answered and not yet recorded and acknowledged.</summary>
    public int Payments => Volatile.Read(ref _payments);

    public int Capacity => capacity;

    /// <summary>Admits a batch of <paramref name="payments"/> at once when there is room (or the record loop has stopped).</summary>
    public bool TryAdmit(int payments)
    {
        lock (_lock)
        {
            if (_closed || _payments < capacity)
            {
                _payments += payments;
                return true;
            }

            return false;
        }
    }

    /// <summary>Waits until the record loop has given back enough to go under the capacity, then admits the batch.</summary>
    public async ValueTask AdmitAsync(int payments, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task space;
            lock (_lock)
            {
                if (_closed || _payments < capacity)
                {
                    _payments += payments;
                    return;
                }

                _space ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                space = _space.Task;
            }

            await space.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The record loop committed and acknowledged <paramref name="payments"/>.</summary>
    public void Release(int payments)
    {
        TaskCompletionSource? space = null;
        lock (_lock)
        {
            _payments -= payments;
            if (_payments < capacity)
            {
                space = _space;
                _space = null;
            }
        }

        space?.TrySetResult();
    }

    /// <summary>The record loop has stopped: nobody will give anything back, so nothing may wait for it.</summary>
    public void Close()
    {
        TaskCompletionSource? space;
        lock (_lock)
        {
            _closed = true;
            space = _space;
            _space = null;
        }

        space?.TrySetResult();
    }
}
