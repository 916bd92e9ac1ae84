namespace EdgeAgent.Cloud.Transport;

/// <summary>The cloud did not take a message: not connected, refused, throttled or timed out. The message stays buffered.</summary>
public sealed class CloudSendException : Exception
{
    public CloudSendException()
    {
    }

    public CloudSendException(string message)
        : base(message)
    {
    }

    public CloudSendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
