namespace EdgeAgent.Cloud.IoTHub;

/// <summary>What the IoT Edge runtime tells a module through its environment (<c>IOTEDGE_*</c>).</summary>
/// <param name="WorkloadUri">The workload API, usually <c>unix:///var/run/iotedge/workload.sock</c>.</param>
/// <param name="GenerationId">The module's generation, part of the sign request.</param>
/// <param name="ApiVersion">Workload API version.</param>
/// <param name="GatewayHostName">Where edgeHub listens; the TLS name to check.</param>
public sealed record IoTEdgeModule(Uri WorkloadUri, string GenerationId, string ApiVersion, string? GatewayHostName)
{
    /// <summary>The module's identity and runtime from the environment, or null when not under IoT Edge.</summary>
    public static (string HostName, string DeviceId, string ModuleId, IoTEdgeModule Module)? FromEnvironment(Func<string, string?> environment)
    {
        var host = environment("IOTEDGE_IOTHUBHOSTNAME");
        var device = environment("IOTEDGE_DEVICEID");
        var module = environment("IOTEDGE_MODULEID");
        var workload = environment("IOTEDGE_WORKLOADURI");
        var generation = environment("IOTEDGE_MODULEGENERATIONID");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(device) || string.IsNullOrEmpty(module) || string.IsNullOrEmpty(workload)
            || string.IsNullOrEmpty(generation))
        {
            return null;
        }

        var scheme = environment("IOTEDGE_AUTHSCHEME");
        if (!string.IsNullOrEmpty(scheme) && !string.Equals(scheme, "sasToken", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"IOTEDGE_AUTHSCHEME is '{scheme}'; only sasToken is supported.");
        }

        var apiVersion = environment("IOTEDGE_APIVERSION");
        return (host, device, module, new IoTEdgeModule(
            new Uri(workload), generation, string.IsNullOrEmpty(apiVersion) ? "2018-06-28" : apiVersion.TrimStart('?').Replace("api-version=", "", StringComparison.Ordinal),
            environment("IOTEDGE_GATEWAYHOSTNAME")));
    }
}
