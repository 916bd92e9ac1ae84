using System.Text;
using EdgeAgent.IntegrationTests.Infrastructure;

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
        await using var spy = await TestTerminal.ConnectAsync(_port, null, "pos/#", "#");
        await using var terminal = await TestTerminal.ConnectAsync(_port);

        await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-3"));
        await Task.Delay(200);

        var seen = spy.Drain();
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
    public async Task MalformedTopic_IsRejectedOnTheResponseTopic()
    {
        await using var terminal = await TestTerminal.ConnectAsync(_port);

        var answer = await terminal.RequestAsync("pos/store-1/payments", Payloads.Payment("tx-5"));

        Assert.Equal("rejected", Answers.Status(answer));
        Assert.Contains("invalid_topic", Answers.ErrorCodes(answer));
    }
}
