namespace EdgeAgent.Cloud.Transport;

/// <summary>
/// The seam between the buffer and a cloud: IoT Hub's MQTT protocol and a generic MQTT broker implement it here; a
/// sender on the Azure device SDK would fill it the same way (SendEventAsync, the twin callbacks, a method handler).
/// A transport keeps itself connected; <see cref="SendAsync"/> returns only once the cloud has taken the message.
/// </summary>
public interface ICloudTransport : IAsyncDisposable
{
    /// <summary>Where it sends, for logs and status.</summary>
    string Description { get; }

    bool IsConnected { get; }

    /// <summary>Starts connecting in the background; returns at once, the cloud being there or not.</summary>
    Task StartAsync(ICloudCommandHandler handler, CancellationToken cancellationToken);

    /// <summary>Sends one message at QoS 1 and waits for the acknowledgement; throws <see cref="CloudSendException"/> (or the transport's own error) when it was not taken.</summary>
    Task SendAsync(CloudMessage message, CancellationToken cancellationToken);

    /// <summary>Updates the reported properties with a JSON patch.</summary>
    Task ReportAsync(ReadOnlyMemory<byte> patch, CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);
}
