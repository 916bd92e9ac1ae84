namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The store cannot record anything now (its device is full, read-only or gone) and recorded nothing. The pipeline stops
/// taking payments, says so in readiness, and tries again until the device is back; nothing is acknowledged meanwhile.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException(string message, bool deviceFull, Exception? inner = null)
        : base(message, inner)
    {
        DeviceFull = deviceFull;
    }

    public StoreUnavailableException()
        : this("the store is unavailable", false)
    {
    }

    public StoreUnavailableException(string message)
        : this(message, false)
    {
    }

    public StoreUnavailableException(string message, Exception inner)
        : this(message, false, inner)
    {
    }

    /// <summary>True when the cause is a full device: it resolves by itself once space is freed.</summary>
    public bool DeviceFull { get; }
}
