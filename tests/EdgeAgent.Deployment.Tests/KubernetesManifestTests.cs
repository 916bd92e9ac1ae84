using System.Text.Json.Nodes;
using EdgeAgent.Deployment.Tests.Infrastructure;

namespace EdgeAgent.Deployment.Tests;

public class KubernetesManifestTests
{
    private const string Folder = "deployment-manifests/k3s";

    public static TheoryData<string> YamlFiles() => new(Repository.Files(Folder, "*.yaml"));

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void EveryFile_IsYamlOfKubernetesObjects(string path)
    {
        var documents = Yaml.LoadAll(path);
        Assert.NotEmpty(documents);
        Assert.All(documents, document =>
        {
            Assert.NotNull(document?["apiVersion"]);
            Assert.NotNull(document["kind"]);
        });
    }

    [Fact]
    public void Kustomizations_NameFilesThatExist_AndLeaveTheExampleSecretOut()
    {
        foreach (var path in Repository.Files(Folder, "kustomization.yaml"))
        {
            var folder = Path.GetDirectoryName(path)!;
            var kustomization = Yaml.Load(path)!;
            var referenced = (kustomization["resources"]?.AsArray() ?? []).Select(r => r!.GetValue<string>())
                .Concat((kustomization["patches"]?.AsArray() ?? []).Select(p => p!["path"]!.GetValue<string>()));
            foreach (var reference in referenced)
            {
                Assert.True(Repository.Exists(Path.GetFullPath(Path.Combine(Repository.PathOf(folder), reference))[(Repository.Root.Length + 1)..]),
                    $"{path} names {reference}, which does not exist");
                Assert.DoesNotContain("secret", reference, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public void StatefulSet_KeepsDataOnAVolume_AndProbesTheAgentsEndpoints()
    {
        var container = AgentContainer(out var spec);
        var template = spec["template"]!["spec"]!;

        var claim = Assert.Single(spec["volumeClaimTemplates"]!.AsArray())!["metadata"]!["name"]!.GetValue<string>();
        Assert.Contains(container["volumeMounts"]!.AsArray(), m => m!["name"]!.GetValue<string>() == claim && m["mountPath"]!.GetValue<string>() == "/data");

        var httpPort = container["ports"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "http")!["containerPort"]!.GetValue<string>();
        Assert.Equal(Image.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), httpPort);
        Assert.Contains(container["ports"]!.AsArray(), p => p!["containerPort"]!.GetValue<string>() == "8883");
        Assert.Equal("/health/live", container["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal("/health/ready", container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal("/health/live", container["startupProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.NotNull(container["resources"]!["requests"]);
        Assert.NotNull(container["resources"]!["limits"]);

        var security = template["securityContext"]!;
        Assert.Equal("true", security["runAsNonRoot"]!.GetValue<string>());
        Assert.Equal(Image.AppUid.ToString(System.Globalization.CultureInfo.InvariantCulture), security["runAsUser"]!.GetValue<string>());
    }

    [Fact]
    public void ConfigMapAndContainer_HoldOnlySettingsTheAgentReads()
    {
        var configMap = Yaml.Load($"{Folder}/base/configmap.yaml")!;
        var variables = ((JsonObject)configMap["data"]!).Select(p => KeyValuePair.Create(p.Key, p.Value!.GetValue<string>())).ToList();
        var container = AgentContainer(out _);
        Assert.Contains(container["envFrom"]!.AsArray(), e => e!["configMapRef"]!["name"]!.GetValue<string>() == configMap["metadata"]!["name"]!.GetValue<string>());
        variables.AddRange(container["env"]!.AsArray().Select(e => KeyValuePair.Create(e!["name"]!.GetValue<string>(), e["value"]?.GetValue<string>() ?? "")));
        foreach (var overlay in new[] { "jetson", "cuda" })
        {
            variables.AddRange(OverlayContainer(overlay)["env"]!.AsArray().Select(e => KeyValuePair.Create(e!["name"]!.GetValue<string>(), e["value"]!.GetValue<string>())));
        }

        Assert.Empty(ContainerEnvironment.Problems(variables));
    }

    [Fact]
    public void TokenizationKey_ComesFromTheSecretVolume()
    {
        var configMap = Yaml.Load($"{Folder}/base/configmap.yaml")!;
        var keyFile = configMap["data"]!["EdgeAgent__Tokenization__KeyFile"]!.GetValue<string>();
        var container = AgentContainer(out var spec);
        var secretName = Yaml.Load($"{Folder}/base/secret.example.yaml")!["metadata"]!["name"]!.GetValue<string>();

        var volume = spec["template"]!["spec"]!["volumes"]!.AsArray().Single(v => v!["secret"]?["secretName"]?.GetValue<string>() == secretName)!;
        var mount = container["volumeMounts"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == volume["name"]!.GetValue<string>())!;
        Assert.Equal("true", mount["readOnly"]!.GetValue<string>());
        Assert.Equal(mount["mountPath"]!.GetValue<string>() + "/tokenization.key", keyFile);
        Assert.NotNull(Yaml.Load($"{Folder}/base/secret.example.yaml")!["stringData"]!["tokenization.key"]);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("jetson")]
    [InlineData("cuda")]
    public void EachOverlay_TakesTheImageOfItsVariant(string variant)
    {
        var container = AgentContainer(out _);
        var image = Assert.Single(Yaml.Load($"{Folder}/overlays/{variant}/kustomization.yaml")!["images"]!.AsArray())!;
        Assert.Equal(container["image"]!.GetValue<string>(), image["name"]!.GetValue<string>());
        Assert.EndsWith("/" + Image.Name, image["newName"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Image.Tag(variant), image["newTag"]!.GetValue<string>());
        Assert.Null(Yaml.Load($"{Folder}/base/kustomization.yaml")!["images"]);
    }

    [Theory]
    [InlineData("jetson")]
    [InlineData("cuda")]
    public void GpuOverlay_AsksForAGpu_OnTheNvidiaRuntime(string overlay)
    {
        var patch = Yaml.Load($"{Folder}/overlays/{overlay}/gpu.yaml")!;
        Assert.Contains(Yaml.Load($"{Folder}/overlays/{overlay}/kustomization.yaml")!["patches"]!.AsArray(), p => p!["path"]!.GetValue<string>() == "gpu.yaml");
        Assert.Equal("nvidia", patch["spec"]!["template"]!["spec"]!["runtimeClassName"]!.GetValue<string>());
        Assert.Equal("1", OverlayContainer(overlay)["resources"]!["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Equal(AgentContainer(out _)["name"]!.GetValue<string>(), OverlayContainer(overlay)["name"]!.GetValue<string>());
    }

    private static JsonNode AgentContainer(out JsonNode spec)
    {
        var statefulSet = Yaml.Load($"{Folder}/base/statefulset.yaml")!;
        Assert.Equal("StatefulSet", statefulSet["kind"]!.GetValue<string>());
        spec = statefulSet["spec"]!;
        return Assert.Single(spec["template"]!["spec"]!["containers"]!.AsArray())!;
    }

    private static JsonNode OverlayContainer(string overlay) =>
        Assert.Single(Yaml.Load($"{Folder}/overlays/{overlay}/gpu.yaml")!["spec"]!["template"]!["spec"]!["containers"]!.AsArray())!;
}
