using System.Text.Json;
using EdgeAgent.IntegrationTests.Infrastructure;

namespace EdgeAgent.IntegrationTests.Clients;

/// <summary>
/// What a third-party client does with the agent, each scenario against a broker port: the embedded broker's, or a
/// mosquitto the agent reads from. Each uses its own terminal id, so scenarios never see each other's answers.
/// </summary>
internal static class ClientScenarios
{
    public static string NewTerminal() => "t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>mosquitto_sub on the decisions topic, mosquitto_pub of a payment: the answer arrives there.</summary>
    public static async Task AnswerOnDecisionsTopicAsync(int port, int protocol, bool withClientIds, int answerQos)
    {
        var terminal = NewTerminal();
        var transaction = "tx-" + terminal;
        await using var sub = await MosquittoClients.SubscribeAsync(port, $"pos/store-c/{terminal}/decisions", protocol,
            withClientIds ? "sub-" + terminal : null, answerQos);

        var (exit, output) = await MosquittoClients.PublishAsync(port, $"pos/store-c/{terminal}/payments", Payloads.Payment(transaction), protocol,
            withClientIds ? "pub-" + terminal : null);

        Assert.True(exit == 0, $"mosquitto_pub failed ({exit}):\n{output}");
        await sub.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(sub.ExitCode == 0, $"mosquitto_sub failed ({sub.ExitCode}):\n{sub.Output}");
        AssertScored(Assert.Single(MosquittoClients.Payloads(sub.Output)), transaction);
    }

    /// <summary>mosquitto_rr (MQTT 5 request/response, no client id): publishes with a response topic and prints the answer.</summary>
    public static async Task MosquittoRequestResponseAsync(int port)
    {
        var terminal = NewTerminal();
        var transaction = "tx-" + terminal;
        var (exit, output) = await ExternalProcess.RunAsync(MosquittoClients.Rr,
        [
            "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-q", "1",
            "-t", $"pos/store-c/{terminal}/payments", "-e", $"pos/store-c/{terminal}/responses/rr", "-W", "30",
            "-m", System.Text.Encoding.UTF8.GetString(Payloads.Payment(transaction)),
        ], TimeSpan.FromSeconds(40));

        Assert.True(exit == 0, $"mosquitto_rr failed ({exit}):\n{output}");
        AssertScored(output.Split('\n').Single(l => l.StartsWith('{')), transaction);
    }

    /// <summary>MQTT.js: MQTT 5 request/response with a response topic and correlation data, or MQTT 3.1.1 with the decisions topic.</summary>
    public static async Task MqttJsAsync(int port, int protocol, int answerQos, bool withClientId)
    {
        var terminal = NewTerminal();
        var transaction = "tx-" + terminal;
        string[] args = [port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"pos/store-c/{terminal}/payments",
            System.Text.Encoding.UTF8.GetString(Payloads.Payment(transaction)), protocol == 5 ? "5" : "4", answerQos.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var (exit, output) = await NodeClients.RunAsync("request.mjs", withClientId ? [.. args, "js-" + terminal] : [.. args, ""]);

        Assert.True(exit == 0, $"MQTT.js failed ({exit}):\n{output}");
        using var result = JsonDocument.Parse(output.Split('\n').Single(l => l.StartsWith('{')));
        var root = result.RootElement;
        if (protocol == 5)
        {
            Assert.Equal($"pos/store-c/{terminal}/responses/{root.GetProperty("sent").GetString()}", root.GetProperty("topic").GetString());
            Assert.Equal(root.GetProperty("sent").GetString(), root.GetProperty("correlation").GetString());
        }
        else
        {
            Assert.Equal($"pos/store-c/{terminal}/decisions", root.GetProperty("topic").GetString());
        }

        AssertScored(root.GetProperty("answer").GetRawText(), transaction);
    }

    public static void AssertScored(string answer, string transaction)
    {
        using var json = JsonDocument.Parse(answer);
        Assert.Equal(transaction, json.RootElement.GetProperty("transactionId").GetString());
        Assert.Equal("scored", json.RootElement.GetProperty("status").GetString());
        Assert.Contains(json.RootElement.GetProperty("decision").GetString(), new[] { "approve", "review", "decline" });
    }
}
