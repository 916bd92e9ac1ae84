using System.Globalization;
using System.Text;

namespace EdgeAgent.Cloud.IoTHub;

/// <summary>The topic names of IoT Hub's MQTT protocol, built and parsed.</summary>
public static class IoTHubTopics
{
    public const string TwinResponses = "$iothub/twin/res/#";
    public const string DesiredPatches = "$iothub/twin/PATCH/properties/desired/#";
    public const string Methods = "$iothub/methods/POST/#";

    private const string TwinResponsePrefix = "$iothub/twin/res/";
    private const string DesiredPatchPrefix = "$iothub/twin/PATCH/properties/desired/";
    private const string MethodPrefix = "$iothub/methods/POST/";

    /// <summary>
    /// Telemetry with its properties: <c>devices/{d}[/modules/{m}]/messages/events/{bag}</c>, the bag's keys and values
    /// URL-encoded as the Azure SDK does (<c>$</c> becomes <c>%24</c>).
    /// </summary>
    public static string Events(string deviceId, string? moduleId, IEnumerable<KeyValuePair<string, string>> properties)
    {
        var topic = new StringBuilder("devices/").Append(deviceId);
        if (moduleId is not null)
        {
            topic.Append("/modules/").Append(moduleId);
        }

        topic.Append("/messages/events/");
        var first = true;
        foreach (var (key, value) in properties)
        {
            topic.Append(first ? "" : "&").Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }

        return topic.ToString();
    }

    public static string TwinGet(long requestId) => $"$iothub/twin/GET/?$rid={requestId.ToString(CultureInfo.InvariantCulture)}";

    public static string ReportedPatch(long requestId) => $"$iothub/twin/PATCH/properties/reported/?$rid={requestId.ToString(CultureInfo.InvariantCulture)}";

    public static string MethodResponse(int status, string requestId) => $"$iothub/methods/res/{status.ToString(CultureInfo.InvariantCulture)}/?$rid={requestId}";

    /// <summary>Parses <c>$iothub/twin/res/{status}/?$rid={rid}[&amp;$version={v}]</c>.</summary>
    public static bool TryParseTwinResponse(string topic, out int status, out long requestId)
    {
        status = 0;
        requestId = 0;
        if (!topic.StartsWith(TwinResponsePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic.AsSpan(TwinResponsePrefix.Length);
        var slash = rest.IndexOf('/');
        return slash > 0
            && int.TryParse(rest[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out status)
            && long.TryParse(Query(rest[(slash + 1)..].ToString(), "$rid"), NumberStyles.None, CultureInfo.InvariantCulture, out requestId);
    }

    public static bool IsDesiredPatch(string topic) => topic.StartsWith(DesiredPatchPrefix, StringComparison.Ordinal);

    /// <summary>Parses <c>$iothub/methods/POST/{method}/?$rid={rid}</c>.</summary>
    public static bool TryParseMethod(string topic, out string method, out string requestId)
    {
        method = "";
        requestId = "";
        if (!topic.StartsWith(MethodPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic[MethodPrefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || Query(rest[(slash + 1)..], "$rid") is not { Length: > 0 } rid)
        {
            return false;
        }

        method = Uri.UnescapeDataString(rest[..slash]);
        requestId = rid;
        return true;
    }

    /// <summary>A parameter of a <c>?k=v&amp;k=v</c> query, or null.</summary>
    public static string? Query(string query, string name)
    {
        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && Uri.UnescapeDataString(pair[..equals]) == name)
            {
                return Uri.UnescapeDataString(pair[(equals + 1)..]);
            }
        }

        return null;
    }
}
