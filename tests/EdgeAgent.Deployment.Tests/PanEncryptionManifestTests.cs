using System.Text.Json.Nodes;
using EdgeAgent.Deployment.Tests.Infrastructure;

namespace EdgeAgent.Deployment.Tests;

/// <summary>
/// Where mosquitto sits between the terminals and the agent, its persistence file must never hold a card number: those
/// deployments refuse a clear one and give the agent its card number key from a read-only mount.
/// </summary>
public sealed class PanEncryptionManifestTests
{
    [Fact]
    public void IoTEdgeMosquittoDeployment_RefusesClearCardNumbers_AndReadsTheNodeKeyFromAReadOnlyMount()
    {
        var agent = IoTEdgeManifest.Load("deployment.arm64-mosquitto").Agent;
        var environment = IoTEdgeManifest.Environment(agent);
        var binds = IoTEdgeManifest.Binds(IoTEdgeManifest.CreateOptions(agent));

        Assert.Equal("Refuse", environment["EdgeAgent__Validation__ClearPan"]);
        var keyFile = environment["EdgeAgent__PanEncryption__KeyFile"];
        Assert.Contains(binds, bind => keyFile.StartsWith(bind.Container + "/", StringComparison.Ordinal) && bind.Options == "ro");
    }

    [Fact]
    public void ComposeRig_RefusesClearCardNumbers_AndReadsTheNodeKeyFromAReadOnlyMount()
    {
        var agent = (JsonObject)Yaml.Load("deployment-manifests/compose/docker-compose.yml")!["services"]!["agent"]!;
        var environment = agent["environment"]!.AsObject();
        var volumes = agent["volumes"]!.AsArray().Select(v => v!.GetValue<string>().Split(':')).ToList();

        Assert.Equal("Refuse", environment["EdgeAgent__Validation__ClearPan"]!.GetValue<string>());
        var keyFile = environment["EdgeAgent__PanEncryption__KeyFile"]!.GetValue<string>();
        Assert.Contains(volumes, v => v.Length == 3 && keyFile.StartsWith(v[1] + "/", StringComparison.Ordinal) && v[2] == "ro");
    }

    [Theory]
    [InlineData("deployment.arm64")]
    [InlineData("deployment.jetson")]
    [InlineData("deployment.x64-gpu")]
    public void EmbeddedBrokerDeployments_SayWhereClearCardNumbersGo(string name)
    {
        // The embedded broker keeps no payment on disk; the setting is explicit so that turning it to Refuse is one edit.
        Assert.Contains(IoTEdgeManifest.Environment(IoTEdgeManifest.Load(name).Agent)["EdgeAgent__Validation__ClearPan"], new[] { "Allow", "Refuse" });
    }
}
