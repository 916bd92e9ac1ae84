using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeAgent.Cloud.Control;

/// <summary>
/// A model the cloud assigns by value: <c>{"name":"fraud-gbt","version":"1.1.0","sha256":"…","url":"https://…/fraud-gbt-1.1.0.card.json"}</c>.
/// The url is the card's; the model file is fetched from the card's <c>file</c> beside it. The sha256 is the model
/// file's, as the signed card names it.
/// </summary>
public sealed partial record ModelAssignment(string Name, string Version, string Sha256, Uri Url)
{
    /// <summary>The card's name in the models folder: <c>{name}-{version}</c>.</summary>
    public string CardName => $"{Name}-{Version}";

    /// <summary>Reads an assignment; null with the reason for anything that is not one.</summary>
    public static ModelAssignment? Parse(JsonObject node, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(node);
        problem = null;
        var name = Text(node, "name");
        var version = Text(node, "version");
        var sha256 = Text(node, "sha256")?.ToLowerInvariant();
        var url = Text(node, "url");
        if (name is null || version is null || !SafeName().IsMatch(name) || !SafeName().IsMatch(version))
        {
            problem = "name and version are 1-64 of [A-Za-z0-9._-], not starting with a dot";
        }
        else if (sha256 is null || !Sha256Hex().IsMatch(sha256))
        {
            problem = "sha256 is the model file's SHA-256 in 64 hex digits";
        }
        else if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            problem = "url is the card's absolute http(s) URL";
        }
        else
        {
            return new ModelAssignment(name, version, sha256, uri);
        }

        return null;
    }

    private static string? Text(JsonObject node, string key) =>
        node[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SafeName();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}
