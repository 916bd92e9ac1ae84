using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Onnx;
using EdgeAgent.Training.Commands;
using Xunit;

namespace EdgeAgent.Training.Tests.Commands;

/// <summary><c>keys</c> makes the signing key pair; <c>train-gbt --signing-key</c> signs its card; the agent's loader accepts it only with that key trusted.</summary>
public sealed class SigningCommandTests
{
    [Fact]
    public void TrainedWithASigningKey_TheCardLoadsWithTheKeyTrusted_AndIsRefusedOtherwise()
    {
        using var folder = new TempDirectory();
        SyntheticCsv.Write(folder.File("year.csv.gz"), SyntheticCsv.Year(cards: 40, seed: 5));
        var key = folder.File("keys/training.pem");
        var other = folder.File("keys/other.pem");
        var output = folder.File("models");
        using var log = new StringWriter();
        Assert.Equal(0, CommandRunner.Run(["keys", "--out", key], log, log));
        Assert.Equal(0, CommandRunner.Run(["keys", "--out", other], log, log));
        Assert.True(File.Exists(folder.File("keys/training.pub.pem")), log.ToString());
        Assert.DoesNotContain("PRIVATE", File.ReadAllText(folder.File("keys/training.pub.pem")), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }

        var exit = CommandRunner.Run(
            ["train-gbt", "--data", folder.File("year.csv.gz"), "--out", output, "--trees", "10", "--leaves", "4", "--min-leaf-rows", "5", "--version", "0.0.2",
                "--holdout-cards", "0", "--signing-key", key],
            log,
            log);
        Assert.True(exit == 0, log.ToString());

        var trusted = new InferenceOptions { Provider = ExecutionProvider.Cpu, ModelSigningKeys = [folder.File("keys/training.pub.pem")] };
        using (var scorer = ModelLoader.Load(output, "fraud-gbt-0.0.2", trusted))
        {
            Assert.Equal(new ModelIdentity("fraud-gbt", "0.0.2"), scorer.Model);
        }

        var otherTrusted = new InferenceOptions { Provider = ExecutionProvider.Cpu, ModelSigningKeys = [folder.File("keys/other.pub.pem")] };
        Assert.Equal(ModelRefusalReasons.UnknownKey, Assert.Throws<ModelLoadException>(() => ModelLoader.Load(output, "fraud-gbt-0.0.2", otherTrusted)).Reason);

        var cardPath = Path.Combine(output, "fraud-gbt-0.0.2.card.json");
        var card = JsonNode.Parse(File.ReadAllText(cardPath))!.AsObject();
        card["thresholds"]!["decline"] = 1.0;
        File.WriteAllText(cardPath, card.ToJsonString());
        Assert.Equal(ModelRefusalReasons.BadSignature, Assert.Throws<ModelLoadException>(() => ModelLoader.Load(output, "fraud-gbt-0.0.2", trusted)).Reason);

        // Signing again vouches for the card as it now is, and only while its model file matches it.
        Assert.Equal(0, CommandRunner.Run(["keys", "--signing-key", key, "--sign", cardPath], log, log));
        using (ModelLoader.Load(output, "fraud-gbt-0.0.2", trusted))
        {
        }

        File.AppendAllText(Path.Combine(output, "fraud-gbt-0.0.2.onnx"), "x");
        Assert.Equal(ModelRefusalReasons.FileAltered, Assert.Throws<ModelLoadException>(() => ModelLoader.Load(output, "fraud-gbt-0.0.2", trusted)).Reason);
        Assert.Equal(2, CommandRunner.Run(["keys", "--signing-key", key, "--sign", cardPath], TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void Keys_NeverOverwritesAKey_AndTheNodeRefusesAPrivateKey()
    {
        using var folder = new TempDirectory();
        var key = folder.File("k.pem");
        Assert.Equal(0, CommandRunner.Run(["keys", "--out", key], TextWriter.Null, TextWriter.Null));
        var before = File.ReadAllText(key);

        Assert.Equal(2, CommandRunner.Run(["keys", "--out", key], TextWriter.Null, TextWriter.Null));
        Assert.Equal(before, File.ReadAllText(key));
        var refused = Assert.Throws<ModelLoadException>(() => ModelTrust.From(new InferenceOptions { ModelSigningKeys = [key] }));
        Assert.Equal(ModelRefusalReasons.NoTrustedKey, refused.Reason);
        Assert.Contains("private key", refused.Message, StringComparison.Ordinal);
        using var trust = ModelTrust.From(new InferenceOptions { ModelSigningKeys = [folder.File("k.pub.pem")] });
        using var pem = ECDsa.Create();
        pem.ImportFromPem(before);
        Assert.Equal([ModelCardSigning.KeyId(pem)], trust.KeyIds);
    }
}
