using System.Globalization;
using System.Text.Json.Nodes;
using EdgeAgent.Deployment.Tests.Infrastructure;

namespace EdgeAgent.Deployment.Tests;

public class IoTEdgeManifestTests
{
    private static readonly string[] RestartPolicies = ["never", "on-failure", "on-unhealthy", "always"];

    public static TheoryData<string> Manifests() => new(IoTEdgeManifest.Names());

    [Fact]
    public void EveryTemplate_HasItsManifest_AndTheVariantsAreThere()
    {
        var templates = Repository.Files(IoTEdgeManifest.Folder + "/templates", "*.template.json")
            .Select(path => Path.GetFileName(path).Replace(".template.json", "", StringComparison.Ordinal));

        Assert.Equal(templates.Order(StringComparer.Ordinal), IoTEdgeManifest.Names().Order(StringComparer.Ordinal));
        Assert.Contains("deployment.arm64", IoTEdgeManifest.Names());
        Assert.Contains("deployment.jetson", IoTEdgeManifest.Names());
        Assert.Contains("deployment.x64-gpu", IoTEdgeManifest.Names());
        Assert.Contains("deployment.arm64-mosquitto", IoTEdgeManifest.Names());
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void CreateOptions_AreStringChunksOfAtMost512_ThatReassembleIntoTheTemplate(string name)
    {
        var manifest = IoTEdgeManifest.Load(name);
        var templateModules = ModulesOf(manifest.Template);
        foreach (var (module, definition) in manifest.AllModules)
        {
            var chunks = IoTEdgeManifest.Chunks(definition);
            Assert.NotEmpty(chunks);
            for (var i = 0; i < chunks.Count; i++)
            {
                var expectedName = i == 0 ? "createOptions" : "createOptions" + i.ToString("00", CultureInfo.InvariantCulture);
                Assert.Equal(expectedName, chunks[i].Key);
                var text = chunks[i].Value!.GetValue<string>();
                Assert.True(text.Length <= IoTEdgeManifest.ChunkSize, $"{name}/{module}/{chunks[i].Key} has {text.Length} characters");
                if (i < chunks.Count - 1)
                {
                    Assert.Equal(IoTEdgeManifest.ChunkSize, text.Length);
                }
            }

            var reassembled = IoTEdgeManifest.CreateOptions(definition);
            var written = templateModules[module]!["settings"]!["createOptions"]!;
            Assert.True(JsonNode.DeepEquals(written, reassembled),
                $"{name}/{module}: createOptions differ from the template; run scripts/render-iotedge-manifests.sh");
        }
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Manifest_IsItsTemplate_ApartFromTheChunking(string name)
    {
        var manifest = IoTEdgeManifest.Load(name);
        var rendered = manifest.Root.DeepClone().AsObject();
        var template = manifest.Template.DeepClone().AsObject();
        foreach (var root in new[] { rendered, template })
        {
            var desired = root["modulesContent"]!["$edgeAgent"]!["properties.desired"]!;
            foreach (var module in new[] { "systemModules", "modules" }.SelectMany(group => ((JsonObject)desired[group]!).Select(m => (JsonObject)m.Value!)))
            {
                var settings = (JsonObject)module["settings"]!;
                foreach (var key in settings.Select(p => p.Key).Where(k => k.StartsWith("createOptions", StringComparison.Ordinal)).ToList())
                {
                    settings.Remove(key);
                }
            }
        }

        Assert.True(JsonNode.DeepEquals(template, rendered), $"{name}.json differs from its template; run scripts/render-iotedge-manifests.sh");
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void EdgeAgentAndEdgeHub_UseSchema11_WithStoreAndForwardOnAPersistentFolder(string name)
    {
        var manifest = IoTEdgeManifest.Load(name);
        Assert.True(Version.Parse(manifest.EdgeAgentDesired["schemaVersion"]!.GetValue<string>()) >= new Version(1, 1));
        Assert.True(Version.Parse(manifest.EdgeHubDesired["schemaVersion"]!.GetValue<string>()) >= new Version(1, 1));
        Assert.True(manifest.EdgeHubDesired["storeAndForwardConfiguration"]!["timeToLiveSecs"]!.GetValue<int>() > 0);

        var edgeHub = (JsonObject)manifest.SystemModules["edgeHub"]!;
        var storage = IoTEdgeManifest.Environment(edgeHub)["storageFolder"];
        Assert.Contains(IoTEdgeManifest.Binds(IoTEdgeManifest.CreateOptions(edgeHub)), bind => bind.Container == storage);
        Assert.All(manifest.SystemModules, m => Assert.StartsWith("mcr.microsoft.com/azureiotedge-", m.Value!["settings"]!["image"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Routes_TakeTheAgentsOutputsUpstream(string name)
    {
        var manifest = IoTEdgeManifest.Load(name);
        var outputs = Enum.GetNames<EdgeAgent.Cloud.CloudStream>().Select(n => n.ToLowerInvariant()).ToList();
        var routes = ((JsonObject)manifest.EdgeHubDesired["routes"]!).Select(r => r.Value is JsonObject o ? o["route"]!.GetValue<string>() : r.Value!.GetValue<string>()).ToList();

        foreach (var output in outputs)
        {
            Assert.Contains($"FROM /messages/modules/{IoTEdgeManifest.AgentModule}/outputs/{output} INTO $upstream", routes);
        }

        foreach (var route in routes)
        {
            var module = route.Split('/')[3];
            Assert.True(manifest.Modules.ContainsKey(module), $"{name}: route '{route}' names no module of the deployment");
        }

        var priorities = ((JsonObject)manifest.EdgeHubDesired["routes"]!).ToDictionary(r => r.Key, r => r.Value!["priority"]!.GetValue<int>());
        Assert.True(priorities["alerts"] < priorities["records"], "alerts must overtake the records backlog");
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Modules_StartInOrder_AndRestart(string name)
    {
        var manifest = IoTEdgeManifest.Load(name);
        var edgeHubOrder = manifest.SystemModules["edgeHub"]!["startupOrder"]!.GetValue<int>();
        foreach (var (module, definition) in manifest.Modules)
        {
            Assert.Contains(definition!["restartPolicy"]!.GetValue<string>(), RestartPolicies);
            Assert.Equal("running", definition["status"]!.GetValue<string>());
            Assert.True(definition["startupOrder"]!.GetValue<int>() > edgeHubOrder, $"{name}/{module} starts before edgeHub");
        }

        if (manifest.Modules["mosquitto"] is { } mosquitto)
        {
            Assert.True(mosquitto["startupOrder"]!.GetValue<int>() < manifest.Agent["startupOrder"]!.GetValue<int>(), "the broker starts before the agent");
        }
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void AgentModule_Environment_HoldsOnlySettingsTheAgentReads(string name)
    {
        Assert.Empty(ContainerEnvironment.Problems(IoTEdgeManifest.Environment(IoTEdgeManifest.Load(name).Agent)));
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void AgentModule_BindsData_AndReadsTheKeyFromAReadOnlyFile(string name)
    {
        var agent = IoTEdgeManifest.Load(name).Agent;
        var binds = IoTEdgeManifest.Binds(IoTEdgeManifest.CreateOptions(agent));
        var environment = IoTEdgeManifest.Environment(agent);

        Assert.Contains(binds, bind => bind.Container == "/data" && bind.Host.StartsWith('/'));
        var keyFile = environment["EdgeAgent__Tokenization__KeyFile"];
        Assert.Contains(binds, bind => bind.Container == keyFile && bind.Options == "ro");
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void AgentModule_RunsTheImageOfItsVariant_WithItsGpuSettings(string name)
    {
        var manifest = IoTEdgeManifest.Load(name);
        var variant = name switch
        {
            "deployment.jetson" => "jetson",
            "deployment.x64-gpu" => "cuda",
            _ => "cpu",
        };
        Assert.Equal($"${{REGISTRY}}/{Image.Name}:{Image.Tag(variant)}", manifest.Agent["settings"]!["image"]!.GetValue<string>());

        var host = (JsonObject)IoTEdgeManifest.CreateOptions(manifest.Agent)["HostConfig"]!;
        if (variant == "cuda")
        {
            var request = Assert.Single(host["DeviceRequests"]!.AsArray());
            var capabilities = request!["Capabilities"]!.AsArray();
            Assert.All(capabilities, set => Assert.IsType<JsonArray>(set));
            Assert.Contains(capabilities, set => set!.AsArray().Any(c => c!.GetValue<string>() == "gpu"));
        }
        else
        {
            Assert.Null(host["DeviceRequests"]);
        }

        Assert.Equal(variant == "jetson" ? "nvidia" : null, host["Runtime"]?.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Agent_TalksToTheBrokerOfItsDeployment(string name)
    {
        var manifest = IoTEdgeManifest.Load(name);
        var environment = IoTEdgeManifest.Environment(manifest.Agent);
        var ports = (JsonObject)IoTEdgeManifest.CreateOptions(manifest.Agent)["HostConfig"]!["PortBindings"]!;
        if (manifest.Modules.ContainsKey("mosquitto"))
        {
            Assert.Equal("mosquitto", environment["EdgeAgent__Mqtt__Host"]);
            Assert.False(ports.ContainsKey("1883/tcp"), "the agent publishes no broker port when mosquitto is the broker");
            var mosquitto = (JsonObject)manifest.Modules["mosquitto"]!;
            Assert.Contains(IoTEdgeManifest.Binds(IoTEdgeManifest.CreateOptions(mosquitto)), b => b.Container == "/mosquitto/config/mosquitto.conf");
        }
        else
        {
            Assert.False(environment.ContainsKey("EdgeAgent__Mqtt__Host"), "no broker module, so the agent hosts its own");
            Assert.True(ports.ContainsKey("8883/tcp"), "terminals reach the embedded broker over TLS on the host's port 8883");
            Assert.False(ports.ContainsKey("1883/tcp"), "no plaintext broker port on the host");
        }

        Assert.True(ports.ContainsKey($"{Image.HttpPort}/tcp"));
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void ModuleTwin_DesiresABundledModel_AndOnlyPropertiesTheAgentApplies(string name)
    {
        var manifest = IoTEdgeManifest.Load(name);
        var desired = (JsonObject)manifest.Root["modulesContent"]![IoTEdgeManifest.AgentModule]!["properties.desired"]!;
        string[] known = ["decision", "model", "metricsIntervalSeconds", "buffer"];

        Assert.All(desired, property => Assert.Contains(property.Key, known));
        Assert.True(Repository.Exists($"models/{desired["model"]!.GetValue<string>()}.card.json"), "the desired model has no card in models/");
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Placeholders_AreTheDocumentedOnes(string name)
    {
        var text = Repository.Read($"{IoTEdgeManifest.Folder}/{name}.json");
        Assert.All(Placeholder.In(text), placeholder => Assert.Contains(placeholder, Placeholder.Known));
    }

    private static JsonObject ModulesOf(JsonObject root)
    {
        var desired = root["modulesContent"]!["$edgeAgent"]!["properties.desired"]!;
        var all = new JsonObject();
        foreach (var group in new[] { "systemModules", "modules" })
        {
            foreach (var (module, definition) in (JsonObject)desired[group]!)
            {
                all[module] = definition!.DeepClone();
            }
        }

        return all;
    }
}
