using System.Text.Json.Nodes;
using EdgeAgent.Commands;
using EdgeAgent.Hosting;
using EdgeAgent.IntegrationTests.Infrastructure;

namespace EdgeAgent.IntegrationTests;

/// <summary>A bad model or setting stops the agent at boot with a message naming what is wrong.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class StartupTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _models = new();

    public void Dispose()
    {
        _data.Dispose();
        _models.Dispose();
    }

    private static string BundledModels => Path.Combine(AppContext.BaseDirectory, "models");

    private void CopyBundledModel(Func<JsonObject, JsonObject>? editCard = null, Action<string>? editOnnx = null)
    {
        File.Copy(Path.Combine(BundledModels, "fraud-gbt-1.0.0.onnx"), Path.Combine(_models.Path, "fraud-gbt-1.0.0.onnx"));
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(BundledModels, "fraud-gbt-1.0.0.card.json")))!.AsObject();
        File.WriteAllText(Path.Combine(_models.Path, "fraud-gbt-1.0.0.card.json"), (editCard?.Invoke(card) ?? card).ToJsonString());
        editOnnx?.Invoke(Path.Combine(_models.Path, "fraud-gbt-1.0.0.onnx"));
    }

    private async Task<(int ExitCode, string Error)> StartAsync(params string[] settings)
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            string[] all = [$"--Storage:Path={_data.Path}", $"--Mqtt:Port={FreePort.Next()}", "--Http:Urls=http://127.0.0.1:0", "--Serilog:MinimumLevel:Default=Fatal", .. settings];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var exit = await AgentHost.RunAsync(AgentCommand.Run, all, timeout.Token);
            return (exit, error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    [Fact]
    public async Task ModelWithAnotherFeatureSchema_IsRefusedNamingTheDifference()
    {
        CopyBundledModel(card =>
        {
            card["features"]!["schemaVersion"] = "fraud-features/0";
            return card;
        });

        var (exit, error) = await StartAsync($"--Inference:ModelsPath={_models.Path}");

        Assert.Equal(AgentHost.StartRefused, exit);
        Assert.Contains("feature schema version", error, StringComparison.Ordinal);
        Assert.Contains("fraud-features/0", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelFileThatChanged_IsRefusedForItsChecksum()
    {
        CopyBundledModel(editOnnx: path => File.AppendAllText(path, "tampered"));

        var (exit, error) = await StartAsync($"--Inference:ModelsPath={_models.Path}");

        Assert.Equal(AgentHost.StartRefused, exit);
        Assert.Contains("sha256", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelCardChangedAfterSigning_IsRefusedForItsSignature()
    {
        CopyBundledModel(card =>
        {
            card["thresholds"]!["review"] = 0.9;
            return card;
        });

        var (exit, error) = await StartAsync($"--Inference:ModelsPath={_models.Path}");

        Assert.Equal(AgentHost.StartRefused, exit);
        Assert.Contains("signature", error, StringComparison.Ordinal);
        Assert.Contains("does not verify", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsignedModel_IsRefused_AndAnUntrustedKeyFileStopsTheAgent()
    {
        CopyBundledModel(card =>
        {
            card.Remove("signature");
            return card;
        });

        var (exit, error) = await StartAsync($"--Inference:ModelsPath={_models.Path}");
        var (keyExit, keyError) = await StartAsync($"--Inference:ModelSigningKeys:0={Path.Combine(_models.Path, "missing.pub.pem")}");

        Assert.Equal(AgentHost.StartRefused, exit);
        Assert.Contains("not signed", error, StringComparison.Ordinal);
        Assert.Equal(AgentHost.StartRefused, keyExit);
        Assert.Contains("ModelSigningKeys", keyError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingModel_IsRefusedNamingTheCardItLookedFor()
    {
        var (exit, error) = await StartAsync($"--Inference:ModelsPath={_models.Path}", "--Inference:Model=nope-1.0");

        Assert.Equal(AgentHost.StartRefused, exit);
        Assert.Contains("nope-1.0.card.json", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Pipeline:MaxBatchSize=0", "MaxBatchSize")]
    [InlineData("--Mqtt:Prot=1883", "Prot")]
    [InlineData("--Tokenization:Key=c2hvcnQ=", "Tokenization:Key")]
    public async Task BadSetting_IsRefusedNamingTheKey(string setting, string named)
    {
        var (exit, error) = await StartAsync(setting);

        Assert.Equal(AgentHost.StartRefused, exit);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }
}
