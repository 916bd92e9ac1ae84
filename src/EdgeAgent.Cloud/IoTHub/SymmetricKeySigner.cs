namespace EdgeAgent.Cloud.IoTHub;

/// <summary>Signs with a device or module key from the connection string.</summary>
public sealed class SymmetricKeySigner(byte[] key) : ISasSigner
{
    public Task<string> SignAsync(string data, CancellationToken cancellationToken) => Task.FromResult(SasToken.Sign(key, data));
}
