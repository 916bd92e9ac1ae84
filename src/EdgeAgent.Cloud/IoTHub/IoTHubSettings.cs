using EdgeAgent.Shared.Mqtt;

namespace EdgeAgent.Cloud.IoTHub;

/// <summary>
/// Who the agent is at IoT Hub and how it proves it, resolved from <see cref="CloudOptions"/> or, with no connection
/// string, from the IoT Edge environment.
/// </summary>
public sealed record IoTHubSettings
{
    /// <summary>The api-version IoT Hub's MQTT username carries.</summary>
    public const string ApiVersion = "2021-04-12";

    public required string HostName { get; init; }

    public required string DeviceId { get; init; }

    public string? ModuleId { get; init; }

    /// <summary>Host to connect to: the hub, or a gateway (edgeHub).</summary>
    public required string ConnectHost { get; init; }

    public required int Port { get; init; }

    /// <summary>The device or module key; null with a certificate or under IoT Edge.</summary>
    public byte[]? SharedAccessKey { get; init; }

    /// <summary>The IoT Edge runtime, when the agent runs as a module without a connection string.</summary>
    public IoTEdgeModule? Edge { get; init; }

    /// <summary>MQTT client id: <c>{deviceId}</c> or <c>{deviceId}/{moduleId}</c>.</summary>
    public string ClientId => ModuleId is null ? DeviceId : $"{DeviceId}/{ModuleId}";

    /// <summary>MQTT user name: <c>{hub}/{deviceId}[/{moduleId}]/?api-version=…</c>.</summary>
    public string Username => $"{HostName}/{ClientId}/?api-version={ApiVersion}";

    /// <summary>What a SAS token of this identity grants.</summary>
    public string ResourceUri => SasToken.ResourceUri(HostName, DeviceId, ModuleId);

    /// <summary>True when tokens are signed (a key or the workload API); false with an X.509 certificate.</summary>
    public bool UsesSasTokens => SharedAccessKey is not null || Edge is not null;

    public static IoTHubSettings Resolve(CloudOptions options, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var parsed = IoTHubConnectionString.Parse(options.ConnectionString);
            if (parsed.SharedAccessKey is null && string.IsNullOrWhiteSpace(options.CertificatePath))
            {
                throw new ArgumentException("the connection string has no SharedAccessKey and Cloud:CertificatePath is not set.");
            }

            if (parsed.SharedAccessKey is null)
            {
                _ = CloudCertificates.LoadClientCertificate(options.CertificatePath!, options.CertificateKeyPath);
            }

            return new IoTHubSettings
            {
                HostName = parsed.HostName,
                DeviceId = parsed.DeviceId,
                ModuleId = parsed.ModuleId,
                ConnectHost = options.Host ?? parsed.GatewayHostName ?? parsed.HostName,
                Port = options.Port ?? 8883,
                SharedAccessKey = parsed.SharedAccessKey is null ? null : Convert.FromBase64String(parsed.SharedAccessKey),
            };
        }

        var edge = IoTEdgeModule.FromEnvironment(environment)
            ?? throw new ArgumentException("set Cloud:ConnectionString, or run the agent as an IoT Edge module (IOTEDGE_* environment).");
        return new IoTHubSettings
        {
            HostName = edge.HostName,
            DeviceId = edge.DeviceId,
            ModuleId = edge.ModuleId,
            ConnectHost = options.Host ?? edge.Module.GatewayHostName ?? edge.HostName,
            Port = options.Port ?? 8883,
            Edge = edge.Module,
        };
    }
}
