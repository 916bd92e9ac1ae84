using System.Globalization;
using System.Text;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Embedded;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>The agent with its own broker: one container, nothing else, as a small store runs it.</summary>
public sealed class EmbeddedAgentTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();
    private InProcessAgent? _agent;

    public async Task InitializeAsync() =>
        _agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Cpu");

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        _data.Dispose();
    }

    [Fact]
    public async Task Payment_IsAnsweredWithADecisionFromTheBundledModel()
    {
        await using var terminal = await TestTerminal.ConnectAsync(_port);

        var answer = Answers.Parse(await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-1")));

        Assert.Equal("tx-1", answer.GetProperty("transactionId").GetString());
        Assert.Equal("scored", answer.GetProperty("status").GetString());
        Assert.Contains(answer.GetProperty("decision").GetString(), new[] { "approve", "review", "decline" });
        Assert.InRange(answer.GetProperty("score").GetDouble(), 0, 1);
        Assert.Equal("fraud-gbt", answer.GetProperty("model").GetProperty("name").GetString());
        Assert.True(answer.GetProperty("latencyMs").GetDouble() > 0);
    }

    [Fact]
    public async Task PaymentWithoutResponseTopic_IsAnsweredOnTheTerminalsDecisionsTopic()
    {
        await using var terminal = await TestTerminal.ConnectAsync(_port, null, "pos/store-9/t4/decisions");

        await terminal.PublishAsync(Payloads.Topic("store-9", "t4"), Payloads.Payment("tx-2"));
        var (topic, payload, _) = await terminal.NextAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("pos/store-9/t4/decisions", topic);
        Assert.Equal("scored", Answers.Status(payload));
    }

    [Fact]
    public async Task Payments_AreNeverRoutedToOtherSubscribers()
    {
        const string marker = "spy/marker";
        await using var spy = await TestTerminal.ConnectAsync(_port, null, "pos/#", "#", marker);
        await using var terminal = await TestTerminal.ConnectAsync(_port);

        await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-3"));

        // The broker queues what it routes to a client in order: anything it routed to the spy for the payment, which is
        // answered by now, arrives before a message the spy publishes to itself afterwards.
        await spy.PublishAsync(marker, "end"u8.ToArray());
        var seen = new List<(string Topic, byte[] Payload, byte[]? Correlation)>();
        for (var next = await spy.NextAsync(TimeSpan.FromSeconds(10)); next.Topic != marker; next = await spy.NextAsync(TimeSpan.FromSeconds(10)))
        {
            seen.Add(next);
        }

        Assert.DoesNotContain(seen, m => m.Topic.EndsWith("/payments", StringComparison.Ordinal));
        Assert.DoesNotContain(seen, m => Encoding.UTF8.GetString(m.Payload).Contains(Payloads.Pan, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_GetsTheFirstAnswerByteForByte()
    {
        await using var terminal = await TestTerminal.ConnectAsync(_port);

        var first = await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-4", 10m));
        var retry = await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-4", 10m));

        Assert.Equal(first, retry);
        Assert.Equal(1, _agent!.Metrics.Scored);
        Assert.Equal(1, _agent.Metrics.Duplicates);
    }

    [Fact]
    public async Task MalformedTopic_IsRefused_ButNeverAnsweredOnAResponseTopicItCannotVouchFor()
    {
        await using var terminal = await TestTerminal.ConnectAsync(_port, null, "pos/#");
        var (answer, _) = await terminal.SendAsync("pos/store-1/payments", Payloads.Payment("tx-5"));

        // Answers reach this one connection in the order they are published: once the next payment's answer is here, the
        // refused one would have been too, had it been published anywhere.
        await terminal.RequestAsync("pos/store-1/t1/payments", Payloads.Payment("tx-6"));

        // Without a store and terminal in the topic there is no prefix to confine the response topic to: no answer at all.
        Assert.False(answer.IsCompleted);
        Assert.Equal(1, _agent!.Metrics.RejectionsByCode()["invalid_topic"]);
    }

    [Fact]
    public async Task ReadmeManualExample_WithMosquittosClients_GetsAnAnswer()
    {
        var (sub, pub) = ReadmeExample();
        var broker = (EmbeddedBrokerIngest)_agent!.Services.GetRequiredService<IIngest>();
        var port = _port.ToString(CultureInfo.InvariantCulture);
        var subscribed = broker.Subscriptions;

        // As written there, on this test's port, and the subscriber ends after one answer instead of running in the background.
        var answer = ExternalClients.RunAsync(ExternalClients.MosquittoSub, [.. sub, "-p", port, "-C", "1", "-W", "60"], TimeSpan.FromSeconds(90));
        await Eventually.TrueAsync(() => broker.Subscriptions > subscribed, "mosquitto_sub subscribed");
        var published = await ExternalClients.RunAsync(ExternalClients.MosquittoPub, [.. pub, "-p", port], TimeSpan.FromSeconds(90));
        var output = await answer;

        Assert.True(published.ExitCode == 0, published.Output);
        Assert.Equal("T-1", Answers.Parse(Encoding.UTF8.GetBytes(output.Output.Trim())).GetProperty("transactionId").GetString());
    }

    /// <summary>The README's two mosquitto commands, split as the shell would (single quotes, a trailing '&amp;'), program names dropped.</summary>
    private static (string[] Sub, string[] Pub) ReadmeExample()
    {
        var readme = File.ReadAllLines(Repository.PathOf("README.md"));
        return (Words(readme.Single(l => l.StartsWith("mosquitto_sub ", StringComparison.Ordinal))),
            Words(readme.Single(l => l.StartsWith("mosquitto_pub ", StringComparison.Ordinal))));

        static string[] Words(string line)
        {
            var words = new List<string>();
            var word = new StringBuilder();
            var quoted = false;
            foreach (var c in line.TrimEnd('&', ' '))
            {
                if (c == '\'')
                {
                    quoted = !quoted;
                }
                else if (c == ' ' && !quoted)
                {
                    if (word.Length > 0)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                    }
                }
                else
                {
                    word.Append(c);
                }
            }

            words.Add(word.ToString());
            return [.. words.Skip(1)];
        }
    }
}
