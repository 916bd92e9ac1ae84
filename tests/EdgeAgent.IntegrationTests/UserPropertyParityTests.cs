using EdgeAgent.IntegrationTests.Infrastructure;

namespace EdgeAgent.IntegrationTests;

/// <summary>
/// One limit on user properties judges the same message alike whichever broker carried it: mosquitto's own request
/// client sends a payment with a property name in two-byte characters through mosquitto to the agent, and straight to
/// the agent's embedded broker. The wire and the limit count bytes, not characters.
/// </summary>
public sealed class UserPropertyParityTests(MosquittoBroker broker) : IClassFixture<MosquittoBroker>, IDisposable
{
    private const int LimitBytes = 16;

    private readonly TempDirectory _external = new();
    private readonly TempDirectory _embedded = new();

    public void Dispose()
    {
        _external.Dispose();
        _embedded.Dispose();
    }

    [Theory]
    // A name of ten U+0100 (two UTF-8 bytes each) and a one-byte value: 11 characters, 21 bytes, over a 16-byte limit.
    [InlineData(10, false)]
    // Seven of them and the value: 15 bytes, within it.
    [InlineData(7, true)]
    public async Task MultiByteUserProperty_GetsTheSameVerdict_ThroughMosquittoAndTheEmbeddedBroker(int twoByteCharacters, bool withinLimit)
    {
        var name = new string('\u0100', twoByteCharacters);
        var limit = $"Validation:MaxUserPropertyBytes={LimitBytes}";
        var group = "g" + Guid.NewGuid().ToString("N")[..8];
        string viaMosquitto;
        await using (await InProcessAgent.StartAsync(_external.Path, "Mqtt:Host=127.0.0.1", $"Mqtt:Port={broker.Port}", $"Mqtt:ClientId=agent-{group}",
            $"Mqtt:SharedGroup={group}", "Inference:Provider=Cpu", limit))
        {
            viaMosquitto = await RequestAsync(broker.Port, name, "up-ext");
        }

        var port = FreePort.Next();
        string viaEmbedded;
        await using (await InProcessAgent.StartAsync(_embedded.Path, $"Mqtt:Port={port}", "Inference:Provider=Cpu", limit))
        {
            viaEmbedded = await RequestAsync(port, name, "up-emb");
        }

        foreach (var answer in new[] { viaMosquitto, viaEmbedded })
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(answer);
            Assert.Equal(withinLimit ? "scored" : "rejected", Answers.Status(bytes));
            Assert.Equal(!withinLimit, Answers.ErrorCodes(bytes).Contains("user_properties_too_large"));
        }
    }

    /// <summary>One payment by <c>mosquitto_rr</c> (MQTT 5) with the user property <paramref name="name"/>=1; its answer.</summary>
    private static async Task<string> RequestAsync(int port, string name, string transactionId)
    {
        var result = await MosquittoCommands.RunAsync("mosquitto_rr",
        [
            "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", "mqttv5", "-q", "1", "-W", "30",
            "-i", "rr-" + transactionId, "-t", Payloads.Topic(), "-e", "pos/store-1/t1/responses/rr-" + transactionId,
            "-D", "publish", "user-property", name, "1",
            "-m", System.Text.Encoding.UTF8.GetString(Payloads.Payment(transactionId)),
        ], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"mosquitto_rr: {result.Output} {result.Error}");
        return result.Output.Trim();
    }
}
