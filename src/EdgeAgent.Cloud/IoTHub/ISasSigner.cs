namespace EdgeAgent.Cloud.IoTHub;

/// <summary>Signs the string of a SAS token: with a key the agent holds, or by the IoT Edge workload API.</summary>
public interface ISasSigner
{
    /// <summary>The base64 HMAC-SHA256 signature of <paramref name="data"/>.</summary>
    Task<string> SignAsync(string data, CancellationToken cancellationToken);
}
