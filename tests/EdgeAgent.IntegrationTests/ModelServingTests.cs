using System.Net;
using System.Text.Json.Nodes;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Onnx;
using EdgeAgent.Simulator;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.IntegrationTests;

/// <summary>The model registry: checks at load, refusals that keep the active model, hot swap under load, shadow scoring.</summary>
public sealed class ModelServingTests : IDisposable
{
    private const string Bundled = "fraud-gbt-1.0.0";
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _models = new();
    private readonly int _port = FreePort.Next();

    public ModelServingTests()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "models"), Bundled + "*"))
        {
            File.Copy(file, Path.Combine(_models.Path, Path.GetFileName(file)));
        }
    }

    public void Dispose()
    {
        _data.Dispose();
        _models.Dispose();
    }

    /// <summary>Writes a card for the bundled ONNX file under another name and version (same bytes, so same checks pass).</summary>
    private string CopyAs(string version, Action<JsonObject>? edit = null, string? onnx = null)
    {
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(_models.Path, Bundled + ModelLoader.CardSuffix)))!.AsObject();
        card["version"] = version;
        if (onnx is not null)
        {
            card["file"] = onnx;
            card["sha256"] = ModelLoader.Sha256Of(Path.Combine(_models.Path, onnx));
        }

        edit?.Invoke(card);
        var name = "fraud-gbt-" + version;
        File.WriteAllText(Path.Combine(_models.Path, name + ModelLoader.CardSuffix), ModelSigning.Sign(card));
        return name;
    }

    private Task<InProcessAgent> StartAsync(params string[] settings) =>
        InProcessAgent.StartAsync(_data.Path, [$"Mqtt:Port={_port}", "Inference:Provider=Cpu", $"Inference:ModelsPath={_models.Path}", .. ModelSigning.TrustSettings, .. settings]);

    [Fact]
    public async Task BadModels_AreRefusedWithTheirReason_AndTheActiveModelStays()
    {
        File.WriteAllText(Path.Combine(_models.Path, "not-onnx.onnx"), "this is not a model");
        var notOnnx = CopyAs("9.0.1", onnx: "not-onnx.onnx");
        var wrongSchema = CopyAs("9.0.2", card => card["features"]!["schemaVersion"] = "fraud-features/0");
        var corrupted = CopyAs("9.0.3", card => card["sha256"] = new string('0', 64));
        await using var agent = await StartAsync();
        var models = agent.Services.GetRequiredService<IModelControl>();

        var results = new Dictionary<string, ModelSwitchResult>();
        foreach (var name in new[] { notOnnx, wrongSchema, corrupted })
        {
            results[name] = await models.ActivateAsync(name, CancellationToken.None);
        }

        Assert.All(results.Values, r => Assert.False(r.Switched));
        Assert.Contains("not a model ONNX Runtime can load", results[notOnnx].Reason, StringComparison.Ordinal);
        Assert.Contains("feature schema version", results[wrongSchema].Reason, StringComparison.Ordinal);
        Assert.Contains("sha256", results[corrupted].Reason, StringComparison.Ordinal);
        Assert.Equal(new ModelIdentity("fraud-gbt", "1.0.0"), models.Active);
        await using var terminal = await TestTerminal.ConnectAsync(_port);
        Assert.Equal("scored", Answers.Status(await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("after-refusals"))));
    }

    [Fact]
    public async Task HotSwapUnderLoad_LosesAndDuplicatesNothing()
    {
        var other = CopyAs("1.0.1");
        await using var agent = await StartAsync();
        var models = agent.Services.GetRequiredService<IModelControl>();
        var load = new LoadOptions { Port = _port, Rate = 400, Count = 3000, ProgressSeconds = 0, AnswerTimeoutSeconds = 30 };
        var run = new LoadGenerator(load, PaymentSample.Load(), progress: null).RunAsync(CancellationToken.None);

        // Each switch waits for the load to move on by a step, not for a time: the six switches fall among the payments
        // however fast or slow the machine is, and both models answer some of them.
        const int Switches = 6;
        const int Step = 400;
        for (var i = 1; i <= Switches; i++)
        {
            var scored = i * Step;
            await Eventually.TrueAsync(() => agent.Metrics.Scored >= scored, $"{scored} payments scored", TimeSpan.FromSeconds(60));
            var result = await models.ActivateAsync(i % 2 == 1 ? other : Bundled, CancellationToken.None);
            Assert.True(result.Switched, result.Reason);
        }

        var report = await run;
        await Eventually.TrueAsync(() => agent.Metrics.Acknowledged == agent.Metrics.Received, "every payment is acknowledged");
        Assert.Equal(3000, report.Answered);
        Assert.Equal(0, report.Lost);
        Assert.Equal(3000, agent.Metrics.Scored + agent.Metrics.Duplicates);
        Assert.Equal(0, agent.Metrics.ModelErrors);
        await agent.StopAsync();
        using var record = new AgentRecord(_data.Path);
        var versions = record.Outcomes.Select(o => o.ModelVersion).Distinct().ToList();
        Assert.Equal(agent.Metrics.Scored, record.Outcomes.Count);
        Assert.Contains("1.0.0", versions);
        Assert.Contains("1.0.1", versions);
    }

    [Fact]
    public async Task ChangedModelFiles_AreReloaded()
    {
        await using var agent = await StartAsync();
        var models = agent.Services.GetRequiredService<IModelControl>();
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(_models.Path, Bundled + ModelLoader.CardSuffix)))!.AsObject();
        card["version"] = "1.0.9";

        File.WriteAllText(Path.Combine(_models.Path, Bundled + ModelLoader.CardSuffix), ModelSigning.Sign(card));

        await Eventually.TrueAsync(() => models.Active.Version == "1.0.9", "the changed card is loaded", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ShadowModel_ScoresBesideTheLiveOne_WithoutDeciding()
    {
        var shadow = CopyAs("2.0.0");
        await using var agent = await StartAsync($"Inference:ShadowModel={shadow}");
        await using var terminal = await TestTerminal.ConnectAsync(_port);

        for (var i = 0; i < 5; i++)
        {
            var answer = Answers.Parse(await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("shadow-" + i, 10m + (i * 300))));
            Assert.Equal("1.0.0", answer.GetProperty("model").GetProperty("version").GetString());
        }

        Assert.Equal(5, agent.Metrics.ShadowRows);
        Assert.Equal(5, agent.Metrics.ShadowAgreements);
        using var http = new HttpClient();
        var status = Answers.Parse(await http.GetByteArrayAsync(new Uri(new Uri(agent.BaseUrl), "/status")));
        Assert.Equal("fraud-gbt@2.0.0", status.GetProperty("model").GetProperty("shadow").GetProperty("model").GetString());
        await agent.StopAsync();
        using var record = new AgentRecord(_data.Path);
        Assert.All(record.Outcomes, o => Assert.Equal(o.Score, o.ShadowScore));
    }

    [Fact]
    public async Task ModelsEndpoint_ListsAndSwitches()
    {
        var other = CopyAs("1.0.1");
        var token = Path.Combine(_data.Path, "control.token");
        File.WriteAllText(token, "test-token-test-token-test-token-0123");
        await using var agent = await StartAsync($"ControlPlane:TokenFile={token}");
        using var http = new HttpClient { BaseAddress = new Uri(agent.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", File.ReadAllText(token));

        var list = Answers.Parse(await http.GetByteArrayAsync(new Uri("/models", UriKind.Relative)));
        var switched = await http.PostAsync(new Uri($"/models/{other}/activate", UriKind.Relative), null);
        var refused = await http.PostAsync(new Uri("/models/nope/activate", UriKind.Relative), null);

        Assert.Contains(list.GetProperty("available").EnumerateArray(), m => m.GetString() == other);
        Assert.Equal(HttpStatusCode.OK, switched.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("nope.card.json", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
