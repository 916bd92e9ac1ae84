namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The store cannot record anything now (its device is full, read-only or gone) and recorded nothing. The pipeline stops
/// taking payments, says so in readiness, and tries again until the device is back; nothing is acknowledged meanwhile.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>The store refused a commit; <paramref name="deviceFull"/> when its device is full.</summary>
    public StoreUnavailableException(string message, bool deviceFull, Exception? inner = null)
        : base(message, inner)
    {
        DeviceFull = deviceFull;
    }

    /// <summary>The store refused a commit.</summary>
    public StoreUnavailableException()
        : this("the store is unavailable", false)
    {
    }

    /// <summary>The store refused a commit, for <paramref name="message"/>.</summary>
    public StoreUnavailableException(string message)
        : this(message, false)
    {
    }

    /// <summary>The store refused a commit, for <paramref name="message"/>.</summary>
    public StoreUnavailableException(string message, Exception inner)
        : this(message, false, inner)
    {
    }

    /// <summary>True when the cause is a full device: it resolves by itself once space is freed.</summary>
    public bool DeviceFull { get; }
}
