using System.Text.Json.Nodes;
using EdgeAgent.Deployment.Tests.Infrastructure;

namespace EdgeAgent.Deployment.Tests;

public class ComposeTests
{
    private const string Folder = "deployment-manifests/compose";

    private readonly JsonNode _compose = Yaml.Load($"{Folder}/docker-compose.yml")!;

    private JsonObject Services => (JsonObject)_compose["services"]!;

    [Fact]
    public void Rig_HasTheBrokerTheAgentAndTheSimulator()
    {
        Assert.Equal(["agent", "grafana", "mosquitto", "prometheus", "simulator"], Services.Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.True(Repository.Exists("deployment-manifests/mosquitto/mosquitto.conf"));
        Assert.Contains(Services["mosquitto"]!["volumes"]!.AsArray(), v => v!.GetValue<string>() == "../mosquitto/mosquitto.conf:/mosquitto/config/mosquitto.conf:ro");
    }

    [Fact]
    public void Agent_IsBuiltFromDockerfileArm64_AndTaggedAsTheCpuImage()
    {
        var build = Services["agent"]!["build"]!;
        var context = Path.GetFullPath(Path.Combine(Repository.PathOf(Folder), build["context"]!.GetValue<string>()));
        Assert.Equal(Repository.Root.TrimEnd(Path.DirectorySeparatorChar), context.TrimEnd(Path.DirectorySeparatorChar));
        Assert.Equal("Dockerfile.arm64", build["dockerfile"]!.GetValue<string>());
        Assert.Equal("cpu", build["args"]!["VARIANT"]!.GetValue<string>());

        var image = $"{Image.Name}:{Image.Tag("cpu")}";
        Assert.Equal(image, Services["agent"]!["image"]!.GetValue<string>());
    }

    [Fact]
    public void Simulator_IsItsOwnImage_FromTheSameDockerfile()
    {
        var build = Services["simulator"]!["build"]!;
        Assert.Equal("Dockerfile.arm64", build["dockerfile"]!.GetValue<string>());
        Assert.Equal("simulator", build["target"]!.GetValue<string>());
        Assert.Contains(Dockerfile.Load().Stages, s => s.Arguments.EndsWith("AS simulator", StringComparison.Ordinal));
        Assert.NotEqual(Services["agent"]!["image"]!.GetValue<string>(), Services["simulator"]!["image"]!.GetValue<string>());
    }

    [Fact]
    public void Agent_Environment_HoldsOnlySettingsTheAgentReads_AndTheSimulatorsOnlyItsOwn()
    {
        var agent = ((JsonObject)Services["agent"]!["environment"]!).Select(p => KeyValuePair.Create(p.Key, p.Value!.GetValue<string>()));
        Assert.Empty(ContainerEnvironment.Problems(agent));
        var simulator = ((JsonObject)Services["simulator"]!["environment"]!).Select(p => p.Key);
        Assert.All(simulator, key => Assert.StartsWith("EdgeAgent__Load__", key, StringComparison.Ordinal));
    }

    [Fact]
    public void AgentAndSimulator_UseTheRigsBroker()
    {
        Assert.Equal("mosquitto", Services["agent"]!["environment"]!["EdgeAgent__Mqtt__Host"]!.GetValue<string>());
        Assert.Equal("mosquitto", Services["simulator"]!["environment"]!["EdgeAgent__Load__Host"]!.GetValue<string>());
        Assert.Equal("loadgen", Services["simulator"]!["command"]![0]!.GetValue<string>());

        var environment = Services["agent"]!["environment"]!;
        Assert.NotEqual(environment["EdgeAgent__Mqtt__ClientId"]!.GetValue<string>(), environment["EdgeAgent__Cloud__ClientId"]!.GetValue<string>());
    }

    [Fact]
    public void TokenizationKey_IsAComposeSecret_KeptOutOfGit()
    {
        var agent = Services["agent"]!;
        var secret = Assert.Single(agent["secrets"]!.AsArray())!.GetValue<string>();
        Assert.Equal("/run/secrets/" + secret, agent["environment"]!["EdgeAgent__Tokenization__KeyFile"]!.GetValue<string>());

        var file = _compose["secrets"]![secret]!["file"]!.GetValue<string>();
        Assert.StartsWith("./secrets/", file, StringComparison.Ordinal);
        Assert.Contains("secrets/", Repository.Read($"{Folder}/.gitignore").Split('\n'));
    }
}
