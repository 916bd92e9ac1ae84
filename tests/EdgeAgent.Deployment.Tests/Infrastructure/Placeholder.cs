using System.Text.RegularExpressions;

namespace EdgeAgent.Deployment.Tests.Infrastructure;

/// <summary><c>${NAME}</c> placeholders that the deployment docs tell operators to fill in.</summary>
public static partial class Placeholder
{
    /// <summary>Every placeholder a manifest may hold; docs/deployment.md explains each.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "REGISTRY",
        "REGISTRY_USERNAME",
        "REGISTRY_PASSWORD",
        "IOT_HUB_RESOURCE_ID",
    };

    public static bool IsPlaceholder(string value) => Pattern().IsMatch(value);

    public static IEnumerable<string> In(string text) => Pattern().Matches(text).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Pattern();
}
