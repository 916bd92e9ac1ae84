using System.Text.Json.Nodes;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Onnx;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.IntegrationTests;

/// <summary>
/// The agent scores only models whose card is signed by a trusted key: a forged card (a threshold changed after signing,
/// a card signed by another key, an unsigned card, a model file changed after signing) is refused at a switch and when
/// it replaces the active model in the watched folder, counted by reason, shown on /status and /metrics; the active
/// model keeps scoring. A card signed by a trusted key is taken.
/// </summary>
public sealed class ModelSigningTests : IDisposable
{
    private const string Bundled = "fraud-gbt-1.0.0";
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _models = new();
    private readonly int _port = FreePort.Next();

    public ModelSigningTests()
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

    private JsonObject BundledCard() => JsonNode.Parse(File.ReadAllText(Path.Combine(_models.Path, Bundled + ModelLoader.CardSuffix)))!.AsObject();

    /// <summary>Writes a card for a copy of the bundled model under another version, as <paramref name="write"/> makes its text.</summary>
    private string Write(string version, Func<JsonObject, string> write)
    {
        var name = "fraud-gbt-" + version;
        File.Copy(Path.Combine(_models.Path, Bundled + ".onnx"), Path.Combine(_models.Path, name + ".onnx"), overwrite: true);
        var card = BundledCard();
        card["version"] = version;
        card["file"] = name + ".onnx";
        File.WriteAllText(Path.Combine(_models.Path, name + ModelLoader.CardSuffix), write(card));
        return name;
    }

    private static string AlterThresholdAfterSigning(JsonObject card)
    {
        var signed = JsonNode.Parse(ModelSigning.Sign(card))!.AsObject();
        signed["thresholds"]!["decline"] = 1.0;
        return signed.ToJsonString();
    }

    private static string Unsigned(JsonObject card)
    {
        card.Remove("signature");
        return card.ToJsonString();
    }

    private Task<InProcessAgent> StartAsync(params string[] settings) =>
        InProcessAgent.StartAsync(_data.Path, [$"Mqtt:Port={_port}", "Inference:Provider=Cpu", $"Inference:ModelsPath={_models.Path}", .. ModelSigning.TrustSettings, .. settings]);

    [Fact]
    public async Task ForgedCards_AreRefusedAtASwitch_ByReason_AndTheActiveModelStays()
    {
        var altered = Write("6.0.1", AlterThresholdAfterSigning);
        var otherKey = Write("6.0.2", card => ModelSigning.Sign(card, ModelSigning.Other));
        var unsigned = Write("6.0.3", Unsigned);
        var fileChanged = Write("6.0.4", card => ModelSigning.Sign(card));
        File.AppendAllText(Path.Combine(_models.Path, fileChanged + ".onnx"), "appended after signing");
        var good = Write("6.0.5", card => ModelSigning.Sign(card));
        await using var agent = await StartAsync();
        var models = agent.Services.GetRequiredService<IModelControl>();
        var registry = agent.Services.GetRequiredService<ModelRegistry>();

        var results = new Dictionary<string, ModelSwitchResult>();
        foreach (var name in new[] { altered, otherKey, unsigned, fileChanged })
        {
            results[name] = await models.ActivateAsync(name, CancellationToken.None);
        }

        Assert.All(results.Values, r => Assert.False(r.Switched));
        Assert.Equal(ModelRefusalReasons.BadSignature, results[altered].Refusal);
        Assert.Equal(ModelRefusalReasons.UnknownKey, results[otherKey].Refusal);
        Assert.Equal(ModelRefusalReasons.NotSigned, results[unsigned].Refusal);
        Assert.Equal(ModelRefusalReasons.FileAltered, results[fileChanged].Refusal);
        Assert.Contains("does not verify", results[altered].Reason, StringComparison.Ordinal);
        Assert.Contains(ModelCardSigning.KeyId(ModelSigning.Other), results[otherKey].Reason, StringComparison.Ordinal);
        Assert.Equal(new ModelIdentity("fraud-gbt", "1.0.0"), models.Active);
        Assert.Equal(1, registry.Refused.Count(ModelRefusalReasons.BadSignature));
        Assert.Equal(1, registry.Refused.Count(ModelRefusalReasons.UnknownKey));
        Assert.Equal(1, registry.Refused.Count(ModelRefusalReasons.NotSigned));
        Assert.Equal(1, registry.Refused.Count(ModelRefusalReasons.FileAltered));

        await using (var terminal = await TestTerminal.ConnectAsync(_port))
        {
            var answer = Answers.Parse(await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("after-forgeries")));
            Assert.Equal("1.0.0", answer.GetProperty("model").GetProperty("version").GetString());
        }

        using var http = new HttpClient { BaseAddress = new Uri(agent.BaseUrl) };
        var status = Answers.Parse(await http.GetByteArrayAsync(new Uri("/status", UriKind.Relative))).GetProperty("model");
        Assert.Equal(ModelCardSigning.KeyId(OnlyShippedKey()), status.GetProperty("signedBy").GetString());
        Assert.Equal(1, status.GetProperty("refusals").GetProperty("unknown_key").GetInt64());
        Assert.Equal(fileChanged, status.GetProperty("lastRefusal").GetProperty("model").GetString());
        Assert.Equal("file_altered", status.GetProperty("lastRefusal").GetProperty("reason").GetString());
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("edgeagent_model_refusals_total{", metrics, StringComparison.Ordinal);
        Assert.Matches("edgeagent_model_refusals_total\\{[^}]*reason=\"bad_signature\"[^}]*\\} 1", metrics);

        var accepted = await models.ActivateAsync(good, CancellationToken.None);
        Assert.True(accepted.Switched, accepted.Reason);
        Assert.Equal(ModelCardSigning.KeyId(ModelSigning.Key), models.SignedBy);
    }

    [Fact]
    public async Task ForgedReplacement_InTheWatchedFolder_IsRefused_AndASignedOneIsTaken()
    {
        await using var agent = await StartAsync();
        var models = agent.Services.GetRequiredService<IModelControl>();
        var registry = agent.Services.GetRequiredService<ModelRegistry>();
        var cardPath = Path.Combine(_models.Path, Bundled + ModelLoader.CardSuffix);
        var card = BundledCard();
        card["version"] = "1.0.7";

        // Someone with write access to the folder lowers the decline threshold and bumps the version, keeping the old signature.
        var forged = JsonNode.Parse(card.ToJsonString())!.AsObject();
        forged["thresholds"]!["decline"] = 1.0;
        File.WriteAllText(cardPath, forged.ToJsonString());
        await Eventually.TrueAsync(() => registry.Refused.Count(ModelRefusalReasons.BadSignature) == 1, "the watcher refused the forged card", TimeSpan.FromSeconds(30));
        Assert.Equal(new ModelIdentity("fraud-gbt", "1.0.0"), models.Active);
        Assert.Equal(Bundled, models.LastRefusal?.Model);

        File.WriteAllText(cardPath, ModelSigning.Sign(card));
        await Eventually.TrueAsync(() => models.Active.Version == "1.0.7", "the signed card is loaded", TimeSpan.FromSeconds(30));
        Assert.Equal(1, registry.Refused.Count(ModelRefusalReasons.BadSignature));
    }

    [Fact]
    public async Task UnsignedModels_LoadWhereSignaturesAreNotRequired_ButAForgedSignatureNever()
    {
        var unsigned = Write("6.1.0", Unsigned);
        var altered = Write("6.1.1", AlterThresholdAfterSigning);
        await using var agent = await StartAsync("Inference:RequireSignedModels=false");
        var models = agent.Services.GetRequiredService<IModelControl>();

        var forged = await models.ActivateAsync(altered, CancellationToken.None);
        var taken = await models.ActivateAsync(unsigned, CancellationToken.None);

        Assert.Equal(ModelRefusalReasons.BadSignature, forged.Refusal);
        Assert.True(taken.Switched, taken.Reason);
        Assert.Null(models.SignedBy);
    }

    [Fact]
    public async Task OnEmbeddedDefaults_TheAgentStartsWithTheShippedModels_SignedByTheShippedKey()
    {
        var shipped = ModelCardSigning.KeyId(OnlyShippedKey());
        foreach (var card in new[] { "fraud-gbt-1.0.0", "fraud-mlp-1.0.0", "fraud-mlp-int8-1.0.0" })
        {
            var (verified, _) = ModelLoader.Verify(Path.Combine(AppContext.BaseDirectory, "models"), card, new InferenceOptions());
            Assert.Equal(shipped, verified.Signature?.KeyId);
        }

        await using var agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Cpu");
        var models = agent.Services.GetRequiredService<IModelControl>();

        Assert.Equal(new ModelIdentity("fraud-gbt", "1.0.0"), models.Active);
        Assert.Equal(shipped, models.SignedBy);
        await using var terminal = await TestTerminal.ConnectAsync(_port);
        Assert.Equal("scored", Answers.Status(await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("shipped-model"))));
    }

    private static System.Security.Cryptography.ECDsa OnlyShippedKey()
    {
        var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(ModelSigning.ShippedKeyPath));
        return key;
    }
}
