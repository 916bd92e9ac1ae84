using System.Text;
using System.Text.Json;
using EdgeAgent.IntegrationTests.Infrastructure;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>
/// A card number in a payment's MQTT 5 response topic or correlation data, sent with mosquitto_pub through the real
/// agent: the payment is refused (<c>card_data_misplaced</c>), the refusal goes to the terminal's decisions topic without
/// the correlation data, and neither the LiteDB file nor the answer journal holds the digits.
/// </summary>
public sealed class CardDataInPropertiesTests : IAsyncLifetime
{
    private const string OtherCard = "5500005555555559";
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _data.Dispose();
        return Task.CompletedTask;
    }

    private static readonly (string Property, string Value)[] Cases =
    [
        // The payment's own card number glued into a token, which only the comparison with pan finds.
        ("response-topic", "pos/store-1/{terminal}/responses/r" + Payloads.Pan + "x"),
        ("correlation-data", "req" + Payloads.Pan),
        // Another card's number, as cards print it.
        ("response-topic", "pos/store-1/{terminal}/responses/" + OtherCard),
        ("correlation-data", "ref:5500-0055-5555-5559"),
    ];

    [Fact]
    public async Task CardNumberInResponseTopicOrCorrelationData_IsRefused_NeitherEchoedNorStored()
    {
        var cases = Cases;
        var agentPath = Path.Combine(_data.Path, "agent");
        await using (var agent = await InProcessAgent.StartAsync(agentPath, $"Mqtt:Port={_port}", "Inference:Provider=Cpu"))
        {
            for (var i = 0; i < cases.Length; i++)
            {
                var terminal = "t-cd" + i;
                var (property, value) = cases[i];
                await using var sub = await MosquittoClients.SubscribeAsync(_port, $"pos/store-1/{terminal}/decisions", 5, "sub-" + terminal, 1, "-F", "%D|%p");

                var (exit, output) = await MosquittoClients.PublishAsync(_port, Payloads.Topic("store-1", terminal), Payloads.Payment("cd-" + i), 5, "pub-" + terminal,
                    "-D", "publish", property, value.Replace("{terminal}", terminal, StringComparison.Ordinal));

                Assert.True(exit == 0, $"mosquitto_pub failed ({exit}):\n{output}");
                await sub.WaitForExitAsync(TimeSpan.FromSeconds(30));
                var line = Assert.Single(sub.Output.Split('\n'), l => l.Contains("|{", StringComparison.Ordinal));
                var separator = line.IndexOf("|{", StringComparison.Ordinal);
                Assert.True(separator == 0, $"the refusal carries no correlation data: {line}");
                using var answer = JsonDocument.Parse(line[(separator + 1)..]);
                Assert.Equal("rejected", answer.RootElement.GetProperty("status").GetString());
                Assert.Contains(answer.RootElement.GetProperty("errors").EnumerateArray(), e => e.GetProperty("code").GetString() == "card_data_misplaced");
                Assert.DoesNotContain(Payloads.Pan, line, StringComparison.Ordinal);
                Assert.DoesNotContain(OtherCard, line, StringComparison.Ordinal);
            }

            Assert.Equal(cases.Length, agent.Metrics.RejectionsByCode()["card_data_misplaced"]);
        }

        // The agent is stopped: its files are complete. The payment's own pan is never stored anywhere (it is tokenized),
        // so any trace of either number would come from the properties.
        var files = Directory.GetFiles(agentPath, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith(".db", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("answers.journal", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var digits in new[] { Payloads.Pan, OtherCard, "5500-0055-5555-5559" })
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(digits)) < 0, $"{Path.GetFileName(file)} holds {digits[..4]}…");
                Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(digits)) < 0, $"{Path.GetFileName(file)} holds {digits[..4]}… (UTF-16)");
            }
        }
    }
}
