using System.Text;
using System.Text.Json;
using EdgeAgent.Commands;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>
/// Card numbers the terminal encrypts to the node's key with jose (npm, a third-party JOSE implementation), through a
/// real mosquitto: the broker never holds the card number, the agent decrypts and scores it as it would the clear one,
/// and refuses what it must.
/// </summary>
public sealed class EncryptedPanTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly string _clientId = "agent-" + Guid.NewGuid().ToString("N")[..8];

    public EncryptedPanTests()
    {
        Assert.Equal(0, CredentialsCommand.Run(["pan-key", "--out", KeyFile]));
    }

    private string KeyFile => Path.Combine(_folder.Path, "pan.key");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task EncryptedPan_ThroughAPersistentMosquitto_IsScoredAsTheClearOne_AndNeverWrittenInClear()
    {
        var jose = await JoseAsync();
        Assert.Equal(Kid(), jose.GetProperty("thumbprint").GetString()); // the kid is the RFC 7638 thumbprint, as jose computes it

        var clear = await QueueThroughMosquittoAsync(Payloads.Payment("tx-1"), "clear");
        var encrypted = await QueueThroughMosquittoAsync(Payloads.Payment("tx-1", pan: jose.GetProperty("jwe").GetString()!), "encrypted");

        // The control: the same check finds the card number in mosquitto's file when the terminal sends it in clear.
        Assert.True(clear.FileHoldsPan, "a payment queued in clear is in mosquitto's persistence file");
        Assert.True(encrypted.FileSize > 0 && encrypted.FileHoldsJwe, "the encrypted payment was queued in the persistence file");
        Assert.False(encrypted.FileHoldsPan, "the card number is nowhere in mosquitto's persistence file");

        Assert.Equal("scored", Answers.Status(encrypted.Answer));
        foreach (var property in new[] { "decision", "score" })
        {
            Assert.Equal(Answers.Parse(clear.Answer).GetProperty(property).GetRawText(), Answers.Parse(encrypted.Answer).GetProperty(property).GetRawText());
        }

        Assert.NotNull(clear.CardToken);
        Assert.Equal(clear.CardToken, encrypted.CardToken);
    }

    [Theory]
    [InlineData("tampered", ValidationCodes.PanEncryptionInvalid)]
    [InlineData("wrongKey", ValidationCodes.PanEncryptionInvalid)]
    [InlineData("unknownKid", ValidationCodes.PanKeyUnknown)]
    [InlineData("wrongAlg", ValidationCodes.PanEncryptionInvalid)]
    [InlineData("clear", ValidationCodes.PanClearRefused)]
    public async Task RefusedPan_IsAnsweredWithItsCode_AndCounted(string variant, string code)
    {
        var jose = await JoseAsync();
        await using var broker = await PersistentMosquitto.StartAsync();
        await using var agent = await InProcessAgent.StartAsync(Path.Combine(_folder.Path, "data"), Settings(broker.Port, "Validation:ClearPan=Refuse"));
        await using var terminal = await TestTerminal.ConnectAsync(broker.Port);
        var pan = variant == "clear" ? Payloads.Pan : jose.GetProperty(variant).GetString()!;

        var answer = await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-" + variant, pan: pan));

        Assert.Equal("rejected", Answers.Status(answer));
        Assert.Equal([code], Answers.ErrorCodes(answer));
        await Eventually.TrueAsync(() => agent.Metrics.RejectionsByCode()[code] == 1, $"the refusal is counted as {code}");
        Assert.DoesNotContain(Payloads.Pan, Encoding.UTF8.GetString(answer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncryptedPan_IsAcceptedWhereClearOnesAreRefused_AndCountedByKey()
    {
        var jose = await JoseAsync();
        await using var broker = await PersistentMosquitto.StartAsync();
        await using var agent = await InProcessAgent.StartAsync(Path.Combine(_folder.Path, "data"), Settings(broker.Port, "Validation:ClearPan=Refuse"));
        await using var terminal = await TestTerminal.ConnectAsync(broker.Port);

        var answer = await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-enc", pan: jose.GetProperty("jwe").GetString()!));

        Assert.Equal("scored", Answers.Status(answer));
        Assert.Equal(1, agent.Metrics.Reader.Total(Core.Telemetry.MetricNames.PanDecrypted, Core.Telemetry.MetricNames.KeyTag, "current"));
    }

    [Fact]
    public async Task AfterARotation_TheOldKeyStillDecrypts_AndTheNewOneToo()
    {
        var before = await JoseAsync();
        Assert.Equal(0, CredentialsCommand.Run(["pan-key", "--out", KeyFile, "--rotate", "yes"]));
        var after = await JoseAsync();
        Assert.NotEqual(before.GetProperty("thumbprint").GetString(), after.GetProperty("thumbprint").GetString());
        await using var broker = await PersistentMosquitto.StartAsync();
        await using var agent = await InProcessAgent.StartAsync(Path.Combine(_folder.Path, "data"),
            Settings(broker.Port, "Validation:ClearPan=Refuse", "PanEncryption:PreviousKeyFile=" + Path.Combine(_folder.Path, "pan.previous.key")));
        await using var terminal = await TestTerminal.ConnectAsync(broker.Port);

        var old = await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-old", pan: before.GetProperty("jwe").GetString()!));
        var current = await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-new", pan: after.GetProperty("jwe").GetString()!));

        Assert.Equal(("scored", "scored"), (Answers.Status(old), Answers.Status(current)));
        var byKey = agent.Metrics.Reader.TotalsBy(Core.Telemetry.MetricNames.PanDecrypted, Core.Telemetry.MetricNames.KeyTag);
        Assert.Equal((1L, 1L), (byKey["previous"], byKey["current"]));
    }

    [Fact]
    public void PanKey_IsWrittenForTheOwnerOnly_WithItsPublicJwk_AndNeverOverwritten()
    {
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }

        var key = EdgeAgent.Security.PanKeyFile.Read(KeyFile, "test");
        Assert.Equal(Core.Payments.Encryption.PanKeyId.Of(key), Kid());
        Assert.Contains("-----BEGIN PUBLIC KEY-----", File.ReadAllText(Path.Combine(_folder.Path, "pan.pem")), StringComparison.Ordinal);
        var before = File.ReadAllText(KeyFile);

        Assert.Throws<ArgumentException>(() => CredentialsCommand.Run(["pan-key", "--out", KeyFile]));
        Assert.Equal(before, File.ReadAllText(KeyFile));
    }

    [Fact]
    public async Task KeyFile_NotAKey_StopsTheStartNamingTheSetting()
    {
        var bad = Path.Combine(_folder.Path, "bad.key");
        await File.WriteAllTextAsync(bad, "not a key");

        var refusal = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var agent = await InProcessAgent.StartAsync(Path.Combine(_folder.Path, "data"), "Mqtt:Port=" + FreePort.Next(), "PanEncryption:KeyFile=" + bad);
        });

        Assert.Contains("PanEncryption:KeyFile", refusal.ToString(), StringComparison.Ordinal);
    }

    private string[] Settings(int port, params string[] more) =>
    [
        "Mqtt:Host=127.0.0.1", $"Mqtt:Port={port}", $"Mqtt:ClientId={_clientId}", "Mqtt:ReconnectMinDelaySeconds=0.2", "Inference:Provider=Cpu",
        "PanEncryption:KeyFile=" + KeyFile, .. more,
    ];

    private string Kid() => JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder.Path, "pan.jwk"))).RootElement.GetProperty("kid").GetString()!;

    private async Task<JsonElement> JoseAsync()
    {
        var (exit, output) = await NodeClients.RunAsync("encrypt-pan.mjs", Path.Combine(_folder.Path, "pan.jwk"), Payloads.Pan);
        Assert.True(exit == 0, output);
        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement.Clone();
    }

    /// <summary>
    /// The payment is published while the agent is away, so mosquitto holds it for the agent's session and writes it to
    /// its persistence file when it stops; then the broker and the agent come back and the payment is answered.
    /// </summary>
    private async Task<Queued> QueueThroughMosquittoAsync(byte[] payment, string name)
    {
        var data = Path.Combine(_folder.Path, name);
        await using var broker = await PersistentMosquitto.StartAsync();
        await using (await InProcessAgent.StartAsync(data, Settings(broker.Port)))
        {
            // The first connection makes the persistent session that holds payments while the agent is away.
        }

        var terminalId = "term-" + name;
        await using (var terminal = await TestTerminal.ConnectAsync(broker.Port, terminalId))
        {
            await terminal.PublishAsync(Payloads.Topic(), payment, terminal.ResponseTopicFor(Payloads.Topic()), [1]);
        }

        await broker.StopAsync();
        var file = await File.ReadAllBytesAsync(broker.PersistenceFile);
        var jwe = JsonDocument.Parse(payment).RootElement.GetProperty("pan").GetString()!;
        await broker.StartAgainAsync();

        await using var answers = await TestTerminal.ConnectAsync(broker.Port, terminalId);
        byte[] answer;
        await using (await InProcessAgent.StartAsync(data, Settings(broker.Port)))
        {
            answer = (await answers.NextAsync(TimeSpan.FromSeconds(60))).Payload;
        }

        using var record = new AgentRecord(data);
        return new Queued(answer, record.Outcome("tx-1")?.CardToken, file.Length,
            file.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Payloads.Pan)) >= 0,
            file.AsSpan().IndexOf(Encoding.ASCII.GetBytes(jwe)) >= 0);
    }

    private sealed record Queued(byte[] Answer, string? CardToken, long FileSize, bool FileHoldsPan, bool FileHoldsJwe);
}
