namespace EdgeAgent.Cloud.IoTHub;

/// <summary>A device or module connection string as the Azure portal shows it.</summary>
public sealed record IoTHubConnectionString(string HostName, string DeviceId, string? ModuleId, string? SharedAccessKey, string? GatewayHostName)
{
    /// <summary>Parses <c>HostName=…;DeviceId=…[;ModuleId=…][;SharedAccessKey=…][;GatewayHostName=…]</c>; throws <see cref="FormatException"/>.</summary>
    public static IoTHubConnectionString Parse(string value)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"'{part.Split('=')[0]}' is not a Key=Value pair.");
            }

            parts[part[..equals]] = part[(equals + 1)..];
        }

        if (parts.ContainsKey("SharedAccessKeyName"))
        {
            throw new FormatException("a shared access policy (SharedAccessKeyName) is a service credential; use the device's or module's own connection string.");
        }

        var host = Get("HostName") ?? throw new FormatException("HostName is missing.");
        var device = Get("DeviceId") ?? throw new FormatException("DeviceId is missing.");
        var key = Get("SharedAccessKey");
        if (key is not null)
        {
            _ = Convert.FromBase64String(key); // throws FormatException for a key that is not base64
        }

        return new IoTHubConnectionString(host, device, Get("ModuleId"), key, Get("GatewayHostName"));

        string? Get(string name) => parts.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null;
    }
}
