using System.Text.Json.Nodes;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Onnx;
using EdgeAgent.Testing.Emulator;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.Cloud.Tests.Integration;

/// <summary>
/// A model assigned through the twin's desired property <c>model</c> as <c>{name, version, sha256, url}</c>: the agent
/// downloads card and file from a real HTTP server, activates a model signed by a trusted key, refuses a forged one
/// (never written into its models folder, the running model stays) and reports both outcomes to the hub.
/// </summary>
public sealed class ModelAssignmentTests : IAsyncLifetime
{
    private const string Bundled = "fraud-gbt-1.0.0";
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _models = new();
    private readonly TempDirectory _served = new();
    private readonly IoTHubEmulator _hub = new();
    private readonly int _mqttPort = FreePort.Next();
    private ModelFileServer? _server;

    public Task InitializeAsync()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "models"), Bundled + "*"))
        {
            File.Copy(file, Path.Combine(_models.Path, Path.GetFileName(file)));
        }

        _server = new ModelFileServer(_served.Path);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _server?.Dispose();
        await _hub.DisposeAsync();
        _data.Dispose();
        _models.Dispose();
        _served.Dispose();
    }

    /// <summary>Publishes the bundled model as <paramref name="version"/> on the file server, its card made by <paramref name="write"/>; returns the assignment.</summary>
    private JsonObject Publish(string version, Func<JsonObject, string> write)
    {
        var name = "fraud-gbt-" + version;
        File.Copy(Path.Combine(_models.Path, Bundled + ".onnx"), Path.Combine(_served.Path, name + ".onnx"));
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(_models.Path, Bundled + ModelLoader.CardSuffix)))!.AsObject();
        card["version"] = version;
        card["file"] = name + ".onnx";
        File.WriteAllText(Path.Combine(_served.Path, name + ModelLoader.CardSuffix), write(card));
        return new JsonObject
        {
            ["name"] = "fraud-gbt",
            ["version"] = version,
            ["sha256"] = card["sha256"]!.GetValue<string>(),
            ["url"] = new Uri(_server!.BaseUrl, name + ModelLoader.CardSuffix).ToString(),
        };
    }

    private Task<InProcessAgent> StartAsync(params string[] more) =>
        CloudAgent.StartAsync(_data.Path, _mqttPort, _hub, [$"Inference:ModelsPath={_models.Path}", .. ModelSigning.TrustSettings, .. more]);

    private JsonObject? ReportedModel(long version) =>
        _hub.Reported.LastOrDefault(r => r["desired"]?["version"]?.GetValue<long>() == version)?["model"]?.AsObject();

    [Fact]
    public async Task ForgedAssignment_IsRefusedAndReported_ASignedOneIsActivated()
    {
        var forged = Publish("2.0.1", card =>
        {
            var signed = JsonNode.Parse(ModelSigning.Sign(card))!.AsObject();
            signed["thresholds"]!["decline"] = 1.0;
            return signed.ToJsonString();
        });
        var foreign = Publish("2.0.2", card => ModelSigning.Sign(card, ModelSigning.Other));
        var good = Publish("2.0.3", card => ModelSigning.Sign(card));
        await _hub.StartAsync();
        await using var agent = await StartAsync();
        await using var terminal = await TestTerminal.ConnectAsync(_mqttPort);
        await Eventually.TrueAsync(() => !_hub.Reported.IsEmpty, "the agent reported after connecting", TimeSpan.FromSeconds(30));
        var models = agent.Services.GetRequiredService<IModelControl>();

        var refused = await _hub.UpdateDesiredAsync(new JsonObject { ["model"] = forged });
        await Eventually.TrueAsync(() => ReportedModel(refused) is not null, "the forged model's refusal was reported", TimeSpan.FromSeconds(60));
        var report = ReportedModel(refused)!;
        Assert.Equal("refused", report["request"]!["outcome"]!.GetValue<string>());
        Assert.Equal(ModelRefusalReasons.BadSignature, report["request"]!["reason"]!.GetValue<string>());
        Assert.Equal("1.0.0", report["version"]!.GetValue<string>());
        Assert.Equal(new ModelIdentity("fraud-gbt", "1.0.0"), models.Active);
        Assert.False(File.Exists(Path.Combine(_models.Path, "fraud-gbt-2.0.1.card.json")), "a forged card never reaches the models folder");
        Assert.False(File.Exists(Path.Combine(_models.Path, "fraud-gbt-2.0.1.onnx")), "a forged model never reaches the models folder");

        var other = await _hub.UpdateDesiredAsync(new JsonObject { ["model"] = foreign });
        await Eventually.TrueAsync(() => ReportedModel(other) is not null, "the foreign-key model's refusal was reported", TimeSpan.FromSeconds(60));
        Assert.Equal(ModelRefusalReasons.UnknownKey, ReportedModel(other)!["request"]!["reason"]!.GetValue<string>());
        Assert.Equal("fraud-gbt-2.0.2", ReportedModel(other)!["lastRefusal"]!["card"]!.GetValue<string>());
        var answer = Answers.Parse(await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("after-forged-assignments")));
        Assert.Equal("1.0.0", answer.GetProperty("model").GetProperty("version").GetString());

        var accepted = await _hub.UpdateDesiredAsync(new JsonObject { ["model"] = good });
        await Eventually.TrueAsync(() => ReportedModel(accepted) is not null, "the signed model's switch was reported", TimeSpan.FromSeconds(60));
        report = ReportedModel(accepted)!;
        Assert.Equal("active", report["request"]!["outcome"]!.GetValue<string>());
        Assert.Equal("2.0.3", report["version"]!.GetValue<string>());
        Assert.Equal(ModelCardSigning.KeyId(ModelSigning.Key), report["signedBy"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(_models.Path, "fraud-gbt-2.0.3.card.json")));
        answer = Answers.Parse(await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("after-signed-assignment")));
        Assert.Equal("2.0.3", answer.GetProperty("model").GetProperty("version").GetString());
        Assert.Empty(Directory.GetFileSystemEntries(models.IncomingPath));
    }

    [Fact]
    public async Task AssignmentLargerThanTheBound_IsCutOffAndRefused()
    {
        var good = Publish("2.1.0", card => ModelSigning.Sign(card));
        await _hub.StartAsync();
        await using var agent = await StartAsync("Cloud:ModelDownloadMaxBytes=200000");
        await Eventually.TrueAsync(() => !_hub.Reported.IsEmpty, "the agent reported after connecting", TimeSpan.FromSeconds(30));
        var registry = agent.Services.GetRequiredService<ModelRegistry>();

        var version = await _hub.UpdateDesiredAsync(new JsonObject { ["model"] = good });
        await Eventually.TrueAsync(() => ReportedModel(version) is not null, "the refusal was reported", TimeSpan.FromSeconds(60));

        var request = ReportedModel(version)!["request"]!;
        Assert.Equal(ModelRefusalReasons.Download, request["reason"]!.GetValue<string>());
        Assert.Contains("Cloud:ModelDownloadMaxBytes", request["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, registry.Refused.Count(ModelRefusalReasons.Download));
        Assert.Equal("1.0.0", registry.Active.Version);
    }
}
