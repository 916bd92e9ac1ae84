using EdgeAgent.FaultTests.Support;
using Xunit.Abstractions;

namespace EdgeAgent.FaultTests;

/// <summary>
/// mosquitto (persistence on) restarted while terminals pay: the agent's plain subscription in its persistent session is
/// restored and renewed, so nothing published after the restart goes unanswered. A SIGTERM'd mosquitto saves everything
/// first: no payment needs sending again. A SIGKILL'd one loses what it took since its last save (its own limit, not the
/// agent's): only payments it acknowledged before the kill may need a terminal's retry, which is answered.
/// </summary>
public sealed class BrokerRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Terminals = 4;
    private const int PerTerminal = 500;
    private readonly TempDirectory _data = new();
    private readonly string _clientId = "agent-" + Guid.NewGuid().ToString("N")[..8];
    private PersistentMosquitto _broker = null!;

    public async Task InitializeAsync() => _broker = await PersistentMosquitto.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _data.Dispose();
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("KILL")]
    public async Task BrokerRestartedWhileTerminalsPay_NoPaymentIsLost(string signal)
    {
        var ledger = new PaymentLedger();
        var terminals = new List<StreamTerminal>();
        await using (var agent = await InProcessAgent.StartAsync(_data.Path, "Mqtt:Host=127.0.0.1", $"Mqtt:Port={_broker.Port}", $"Mqtt:ClientId={_clientId}",
            "Mqtt:ReconnectMinDelaySeconds=0.2", "Mqtt:ReconnectMaxDelaySeconds=1", "Inference:Provider=Cpu"))
        {
            try
            {
                for (var t = 0; t < Terminals; t++)
                {
                    terminals.Add(await StreamTerminal.ConnectAsync(_broker.Port, "store-2", "t" + t, ledger, () => _broker.Restarts));
                }

                var flow = PaymentFlow.RunAsync(terminals, PerTerminal, TimeSpan.FromMilliseconds(10));
                await Eventually.TrueAsync(() => ledger.Count >= Terminals * PerTerminal / 3, "a third of the payments are sent", TimeSpan.FromSeconds(60));
                await _broker.RestartAsync(signal);
                output.WriteLine($"broker restarted ({signal}) after {ledger.Count} payments sent, {ledger.AnswerCount} answers");
                await flow;
                Assert.Contains(ledger.TransactionIds, id => ledger.AckEpoch(id) == 1); // the flow went on after the restart

                var all = await Eventually.WithinAsync(() => ledger.Unanswered().Count == 0, TimeSpan.FromSeconds(signal == "TERM" ? 60 : 20));
                var lost = ledger.Unanswered();
                output.WriteLine($"after the flow: {ledger.Summary()}");
                output.WriteLine($"agent: received {agent.Metrics.Received}, scored {agent.Metrics.Scored}, duplicates {agent.Metrics.Duplicates}, answers {agent.Metrics.AnswersPublished}, answer failures {agent.Metrics.AnswerFailures}, acknowledged {agent.Metrics.Acknowledged}");
                output.WriteLine("lost: " + string.Join(", ", lost.Select(id => $"{id}@{ledger.AckEpoch(id)}")));
                if (signal == "TERM")
                {
                    Assert.True(all, "every payment is answered without a retry: " + ledger.Summary());
                }
                else
                {
                    // Whatever went missing was in the broker's hands before the kill; a terminal's retry gets it answered.
                    Assert.All(lost, id => Assert.Equal(0, ledger.AckEpoch(id)));
                    foreach (var id in lost)
                    {
                        await terminals.Single(t => id.StartsWith(t.Topic.Split('/')[2] + "-", StringComparison.Ordinal)).PayAsync(id, ledger.Payload(id), resend: true);
                    }

                    await Eventually.TrueAsync(() => ledger.Unanswered().Count == 0, () => "every retried payment is answered: " + ledger.Summary(), TimeSpan.FromSeconds(60));
                }

            }
            finally
            {
                foreach (var terminal in terminals)
                {
                    await terminal.DisposeAsync();
                }
            }
        }

        output.WriteLine(ledger.Summary());
        Assert.Equal(Terminals * PerTerminal, ledger.Count);
        Assert.Empty(ledger.DifferingRepeats());
        Assert.Empty(ledger.Strays);
        using var record = new AgentRecord(_data.Path);
        Assert.Equal(ledger.TransactionIds.Order(StringComparer.Ordinal), record.Outcomes.Select(o => o.TransactionId!).Order(StringComparer.Ordinal));
        foreach (var outcome in record.Outcomes)
        {
            Assert.Equal(ledger.AnswersOf(outcome.TransactionId!)[0], record.Answer(outcome));
        }
    }
}
