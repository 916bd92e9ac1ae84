using System.Text.Json.Nodes;
using EdgeAgent.Deployment.Tests.Infrastructure;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Security;
using Microsoft.Extensions.Configuration;

namespace EdgeAgent.Deployment.Tests;

/// <summary>
/// What ships is secure by default: each manifest's agent, with the image's environment, passes the agent's own exposure
/// rule (TLS and client authentication beyond loopback), its certificates and tokens come from read-only mounts, no
/// plaintext broker port is published, and the shipped mosquitto takes no anonymous or plaintext clients.
/// </summary>
public class SecureDeploymentTests
{
    public static TheoryData<string> Manifests() => new(IoTEdgeManifest.Names());

    /// <summary>The Mqtt options the agent would bind from the image's and a manifest's environment.</summary>
    private static MqttOptions Bind(IEnumerable<KeyValuePair<string, string>> environment)
    {
        var settings = Dockerfile.Load().FinalEnvironment.Concat(environment)
            .Where(pair => pair.Key.StartsWith(AgentSettings.EnvironmentPrefix, StringComparison.Ordinal))
            .GroupBy(pair => pair.Key[AgentSettings.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal))
            .ToDictionary(group => group.Key, group => (string?)group.Last().Value);
        var options = new MqttOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(MqttOptions.SectionName).Bind(options);
        return options;
    }

    /// <summary>The rule's verdict, leaving out files this machine does not have.</summary>
    private static List<string> Problems(MqttOptions options) =>
        BrokerExposure.Problems(options).Select(p => p.ErrorMessage!).Where(p => !p.EndsWith("which does not exist.", StringComparison.Ordinal)).ToList();

    [Fact]
    public void Image_Alone_WouldRefuseToStartItsEmbeddedBroker() =>
        Assert.Contains(Problems(Bind([])), p => p.Contains("Mqtt:AllowInsecure", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Manifests))]
    public void IoTEdgeAgent_PassesTheExposureRule_WithSecretsFromReadOnlyMounts(string name)
    {
        var manifest = IoTEdgeManifest.Load(name);
        var environment = IoTEdgeManifest.Environment(manifest.Agent);
        var options = Bind(environment);
        var binds = IoTEdgeManifest.Binds(IoTEdgeManifest.CreateOptions(manifest.Agent));

        Assert.Empty(Problems(options));
        Assert.False(options.AllowInsecure);
        Assert.True(options.UsesExternalBroker ? options.UseTls && options.ClientCertificatePath is not null : BrokerExposure.HasTls(options) && options.CaPath is not null);
        foreach (var (key, path) in environment.Where(e => e.Key.EndsWith("Path", StringComparison.Ordinal) || e.Key.EndsWith("File", StringComparison.Ordinal)))
        {
            Assert.True(binds.Any(b => b.Options == "ro" && (path == b.Container || path.StartsWith(b.Container + "/", StringComparison.Ordinal))), $"{name}: {key}={path} is not on a read-only mount");
        }

        Assert.Contains("ControlPlane", string.Join(' ', environment.Keys), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void IoTEdge_PublishesNoPlaintextBroker_AndNothingCollidesOnTheHost(string name)
    {
        var manifest = IoTEdgeManifest.Load(name);
        var hostPorts = manifest.AllModules
            .SelectMany(m => IoTEdgeManifest.CreateOptions(m.Value)["HostConfig"]?["PortBindings"] is JsonObject bindings
                ? bindings.SelectMany(b => b.Value!.AsArray().Select(h => h!["HostPort"]!.GetValue<string>()))
                : [])
            .ToList();

        Assert.DoesNotContain("1883", hostPorts);
        Assert.Contains("8883", hostPorts);
        Assert.Equal(hostPorts.Count, hostPorts.Distinct().Count());
        if (manifest.Modules.ContainsKey("mosquitto"))
        {
            var mosquitto = IoTEdgeManifest.Binds(IoTEdgeManifest.CreateOptions((JsonObject)manifest.Modules["mosquitto"]!));
            Assert.Contains(mosquitto, b => b.Container == "/mosquitto/certs" && b.Options == "ro");
        }
    }

    [Fact]
    public void K3sAgent_PassesTheExposureRule_WithSecretsFromReadOnlyMounts()
    {
        var configMap = Yaml.Load("deployment-manifests/k3s/base/configmap.yaml")!;
        var environment = ((JsonObject)configMap["data"]!).Select(p => KeyValuePair.Create(p.Key, p.Value!.GetValue<string>())).ToList();
        var container = Yaml.Load("deployment-manifests/k3s/base/statefulset.yaml")!["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var mounts = container["volumeMounts"]!.AsArray().Where(m => m!["readOnly"]?.GetValue<string>() == "true").Select(m => m!["mountPath"]!.GetValue<string>()).ToList();

        Assert.Empty(Problems(Bind(environment)));
        foreach (var (key, path) in environment.Where(e => e.Key.EndsWith("Path", StringComparison.Ordinal) || e.Key.EndsWith("File", StringComparison.Ordinal)))
        {
            Assert.True(mounts.Any(m => path.StartsWith(m + "/", StringComparison.Ordinal)), $"{key}={path} is not on a read-only mount");
        }

        var service = Yaml.LoadAll("deployment-manifests/k3s/base/service.yaml").Single(d => d!["spec"]!["type"]?.GetValue<string>() == "LoadBalancer")!;
        Assert.Equal(["8883"], service["spec"]!["ports"]!.AsArray().Select(p => p!["port"]!.GetValue<string>()));
    }

    [Fact]
    public void ComposeAgent_TalksTlsToTheRigsBroker_AndTheBrokerPublishesNoPlaintextPort()
    {
        var services = (JsonObject)Yaml.Load("deployment-manifests/compose/docker-compose.yml")!["services"]!;
        var environment = ((JsonObject)services["agent"]!["environment"]!).Select(p => KeyValuePair.Create(p.Key, p.Value!.GetValue<string>()));
        var options = Bind(environment);

        Assert.Empty(Problems(options));
        Assert.True(options.UseTls);
        Assert.DoesNotContain(services["mosquitto"]!["ports"]!.AsArray(), p => p!.GetValue<string>().Contains("1883", StringComparison.Ordinal));
    }

    [Fact]
    public void ShippedMosquitto_IsTlsOnly_WithoutAnonymousClients_AndWithAnAcl()
    {
        var lines = Repository.Read("deployment-manifests/mosquitto/mosquitto.conf").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#').ToList();
        var listeners = lines.Select((line, index) => (line, index)).Where(l => l.line.StartsWith("listener ", StringComparison.Ordinal)).ToList();

        Assert.Contains("allow_anonymous false", lines);
        Assert.Contains("per_listener_settings false", lines);
        Assert.Contains(lines, l => l.StartsWith("acl_file ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("password_file ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("max_packet_size ", StringComparison.Ordinal));
        Assert.NotEmpty(listeners);
        foreach (var (listener, index) in listeners)
        {
            var block = lines.Skip(index + 1).TakeWhile(l => !l.StartsWith("listener ", StringComparison.Ordinal)).ToList();
            Assert.True(block.Any(l => l.StartsWith("certfile ", StringComparison.Ordinal)) && block.Contains("use_username_as_clientid true"), $"'{listener}' is not TLS with client ids bound to users");
        }
    }
}
