using System.Globalization;

namespace EdgeAgent.Deployment.Tests.Infrastructure;

/// <summary>What Dockerfile.arm64 builds, as manifests must refer to it: <c>REGISTRY/edgeagent:{version}-{variant}</c>.</summary>
public static class Image
{
    public const string Name = "edgeagent";

    public static readonly IReadOnlyList<string> Variants = ["cpu", "jetson", "cuda"];

    /// <summary>The non-root user the image runs as (ARG APP_UID).</summary>
    public static int AppUid => int.Parse(Dockerfile.Load().GlobalArguments["APP_UID"], CultureInfo.InvariantCulture);

    public static string Tag(string variant) => $"{Repository.AgentVersion()}-{variant}";

    /// <summary>The port of the image's Http:Urls.</summary>
    public static int HttpPort => new Uri(Dockerfile.Load().FinalEnvironment["EdgeAgent__Http__Urls"]).Port;
}
