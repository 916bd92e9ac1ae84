using EdgeAgent.FaultTests.Support;
using Xunit.Abstractions;

namespace EdgeAgent.FaultTests;

/// <summary>
/// The agent with its embedded broker killed with SIGKILL, restarted, and killed again before its terminals are back,
/// while MQTT.js terminals pay without waiting for answers between kills: two on persistent sessions as MQTT.js keeps
/// them, two strict clients that drop their session state when the broker has none (Session Present 0). Every terminal
/// resends what its client gave up, with the same transactionId, after a second (the terminal contract); an operator's
/// monitor with exact subscriptions to their answer topics reconnects faster than they do. Every payment
/// a terminal got a PUBACK for is answered at that terminal, and no payment is answered twice with different answers.
/// </summary>
public sealed class EmbeddedDoubleKillTests(ITestOutputHelper output) : IDisposable
{
    private const int IntervalMilliseconds = 10;
    private const int ReconnectMilliseconds = 1000;
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    public void Dispose() => _data.Dispose();

    [Fact]
    public Task DoubleKill_EveryAcknowledgedPaymentIsAnswered() => RunAsync(busyCores: 0, perTerminal: 300);

    [Fact]
    public Task DoubleKill_WithTheCoresKeptBusy_EveryAcknowledgedPaymentIsAnswered() => RunAsync(busyCores: Environment.ProcessorCount, perTerminal: 100);

    private async Task RunAsync(int busyCores, int perTerminal)
    {
        var random = FaultSeed.Next(output, nameof(EmbeddedDoubleKillTests));
        string[] settings = [$"Mqtt:Port={_port}", "Inference:Provider=Cpu"];
        var ledger = new PaymentLedger();
        var busy = new List<ExternalProcess>();
        ExternalProcess? monitor = null;
        var terminals = new List<(string Name, MqttJsStream Client)>();
        var agent = await AgentProcess.StartAsync(_data.Path, settings);
        try
        {
            for (var b = 0; b < busyCores; b++)
            {
                busy.Add(ExternalProcess.Start(NodeClients.Node, ["-e", "for (;;) {}"]));
            }

            // An operator's monitor holds exact subscriptions to the terminals' answer topics and is back first after each
            // restart: it sees the answers go by, and must not take away any a terminal is owed.
            string[] names = ["js0", "js1", "strict2", "strict3"];
            monitor = ExternalProcess.Start(NodeClients.Node,
                [Path.Combine(NodeClients.Folder, "monitor.mjs"), _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "store-5-monitor",
                    .. names.Select(n => $"pos/store-5/{n}/decisions")],
                NodeClients.Folder);
            for (var t = 0; t < names.Length; t++)
            {
                var name = names[t];
                terminals.Add((name, MqttJsStream.StartTerminal(_port, "store-5", name, perTerminal, IntervalMilliseconds, ledger, strict: t >= 2, ReconnectMilliseconds)));
            }

            // The first kill once answers flow, at a random moment while the terminals are still paying.
            await Eventually.TrueAsync(() => terminals.Sum(t => t.Client.Answers().Count()) >= 100, "answers flow", TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 500)));
            await agent.DisposeAsync();
            var connects = terminals.Sum(t => t.Client.Connects);
            output.WriteLine($"kill 1: {Acknowledged(terminals).Count} acknowledged, {terminals.Sum(t => t.Client.Answers().Count())} answers so far");

            // The second as soon as the agent is back: the terminals retry once a second, so most are not back yet.
            agent = await AgentProcess.StartAsync(_data.Path, settings);
            await agent.DisposeAsync();
            output.WriteLine($"kill 2: {terminals.Sum(t => t.Client.Connects) - connects} reconnections in between");
            agent = await AgentProcess.StartAsync(_data.Path, settings);

            foreach (var (_, client) in terminals)
            {
                await client.DoneAsync(TimeSpan.FromSeconds(60));
            }

            // Done means every payment acknowledged; each must have its answer at its terminal.
            var answered = await Eventually.WithinAsync(() => Unanswered(terminals, perTerminal).Count == 0, TimeSpan.FromSeconds(30));
            Assert.True(answered, $"{Unanswered(terminals, perTerminal).Count} acknowledged payments never answered: "
                + string.Join(", ", Unanswered(terminals, perTerminal).Take(20)));
            await agent.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (monitor is not null)
            {
                await monitor.DisposeAsync();
            }

            foreach (var process in busy)
            {
                await process.DisposeAsync();
            }

            await agent.DisposeAsync();
        }

        foreach (var answer in terminals.SelectMany(t => t.Client.Answers()))
        {
            ledger.Answered(answer);
        }

        output.WriteLine($"{ledger.Summary()}; given up and resent {terminals.Sum(t => t.Client.GaveUp)}; reconnections {terminals.Sum(t => t.Client.Connects) - terminals.Count}");
        foreach (var (_, client) in terminals)
        {
            await client.DisposeAsync();
        }

        Assert.Empty(ledger.DifferingRepeats());
        Assert.Empty(ledger.Strays);
        Assert.Empty(ledger.Unanswered());
        using var record = new AgentRecord(_data.Path);
        Assert.Equal(ledger.TransactionIds.Order(StringComparer.Ordinal), record.Outcomes.Select(o => o.TransactionId!).Order(StringComparer.Ordinal));
    }

    /// <summary>The transaction ids a terminal got a PUBACK for.</summary>
    private static List<string> Acknowledged(List<(string Name, MqttJsStream Client)> terminals) =>
        [.. terminals.SelectMany(t => t.Client.Acknowledged().Select(i => PaymentFlow.TransactionId(t.Name, i)))];

    /// <summary>Acknowledged at its terminal, and no answer for it arrived there.</summary>
    private static List<string> Unanswered(List<(string Name, MqttJsStream Client)> terminals, int perTerminal)
    {
        var missing = new List<string>();
        foreach (var (name, client) in terminals)
        {
            var answered = new HashSet<string>(StringComparer.Ordinal);
            var ledger = new PaymentLedger();
            foreach (var i in Enumerable.Range(0, perTerminal))
            {
                ledger.Sent(PaymentFlow.TransactionId(name, i), []);
            }

            foreach (var answer in client.Answers())
            {
                ledger.Answered(answer);
            }

            missing.AddRange(client.Acknowledged().Select(i => PaymentFlow.TransactionId(name, i)).Where(id => ledger.AnswersOf(id).Count == 0));
        }

        return missing;
    }
}
