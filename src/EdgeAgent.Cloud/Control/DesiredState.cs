using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeAgent.Cloud.Control;

/// <summary>
/// The desired properties as the agent last applied them: a whole set replaces them, a patch is merged (<c>null</c>
/// deletes a key). A patch no newer than what was applied is ignored, and so is a whole set older than it (a patch
/// can overtake the answer to the twin request made after a connect).
/// </summary>
public sealed class DesiredState
{
    /// <summary><c>$version</c> of what was applied; -1 before anything.</summary>
    public long Version { get; private set; } = -1;

    public JsonObject Properties { get; private set; } = [];

    /// <summary>Takes <paramref name="desired"/> unless it is older; true when taken.</summary>
    public bool Accept(JsonElement desired, bool complete)
    {
        if (desired.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var version = desired.TryGetProperty("$version", out var v) && v.TryGetInt64(out var n) ? n : -1;
        if (version >= 0 && (complete ? version < Version : version <= Version))
        {
            return false;
        }

        var incoming = JsonNode.Parse(desired.GetRawText())!.AsObject();
        incoming.Remove("$version");
        if (complete)
        {
            Properties = incoming;
        }
        else
        {
            Merge(Properties, incoming);
        }

        if (version >= 0)
        {
            Version = version;
        }

        return true;
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }
}
