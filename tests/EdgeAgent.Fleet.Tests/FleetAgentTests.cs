using EdgeAgent.Core.Features;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EdgeAgent.Fleet.Tests;

/// <summary>
/// Two agent programs, one per store, on their embedded defaults and pointed at the three-silo fleet behind mosquitto;
/// MQTT.js terminals pay the same cards at both. A card first paid at one store is scored at the other with the first
/// store's payments in its features, and an agent killed with SIGKILL while its link was down still delivers the
/// deltas of what it recorded, from its record, once it runs again.
/// </summary>
[Collection(FleetLinkCollection.Name)]
public sealed class FleetAgentTests(FleetLinkCluster fleet, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private static readonly int CardCount24h = FeatureSchema.Names.ToList().IndexOf("card_count_24h");

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgeagent-fleet-agents-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly TerminalPayments _payments = new(DateTimeOffset.UtcNow.AddHours(-3));

    [Fact]
    public async Task A_card_paid_at_one_store_is_scored_at_the_other_with_its_history_and_a_killed_agent_still_delivers_its_deltas()
    {
        var tokenizer = new CardTokenizer(FleetLinkCluster.FleetKey, "k1");
        string[] shared = ["4000000000000002", "4000000000000010", "4000000000000028"];
        const string crashCard = "4000000000000036";
        var storeA = Path.Combine(_directory, "store-a");
        var storeB = Path.Combine(_directory, "store-b");
        FleetAgent? a = null;
        FleetAgent? b = null;
        try
        {
            // Store A starts with its uplink unreachable: it scores on local history, its deltas only in its record.
            var startB = FleetAgent.StartAsync(storeB, "store-b", fleet.BrokerPort, Patience);
            a = await FleetAgent.StartAsync(storeA, "store-a", FreePort.Next(), Patience);
            b = await startB;
            var crashPayments = new[] { Payment("a-1", crashCard, 40m), Payment("a-2", crashCard, 55m) };
            await NodeTerminal.PayAsync(a.MqttPort, "shop-a", "t1", crashPayments, _directory, Patience);
            var offline = await a.FleetStatusAsync();
            Assert.False(offline.GetProperty("linkUp").GetBoolean());
            Assert.True(offline.GetProperty("fetchMisses").GetInt64() >= 1, "a first sight with the link down was not counted: " + offline);

            // SIGKILL between payments: whatever the link held in memory is gone; the record is not.
            a.Kill();
            a.Dispose();
            a = null;
            var restartA = FleetAgent.StartAsync(storeA, "store-a", fleet.BrokerPort, Patience);
            try
            {
                var atB = shared.SelectMany((pan, i) => new[] { Payment($"b-{i}-1", pan, 20m + i), Payment($"b-{i}-2", pan, 30m + i) }).ToList();
                await NodeTerminal.PayAsync(b.MqttPort, "shop-b", "t1", atB, _directory, Patience);
            }
            finally
            {
                a = await restartA;
            }

            // The fleet holds what each store recorded: B's payments, and A's from before the kill, sent from A's record.
            var crashToken = tokenizer.Tokenize(System.Text.Encoding.ASCII.GetBytes(crashCard));
            var crashProfile = await EventuallyAsync(() => ProfileAsync(crashToken, excluding: "store-b"), p => p.Payments.Count == 2);
            Assert.Equal(crashPayments.Length, crashProfile.Payments.Count);
            foreach (var pan in shared)
            {
                await EventuallyAsync(() => ProfileAsync(tokenizer.Tokenize(System.Text.Encoding.ASCII.GetBytes(pan)), excluding: "store-a"), p => p.Payments.Count == 2);
            }

            // First sights: A sees the shared cards, B the crash card; each fetches the other store's history.
            var atA = shared.Select((pan, i) => Payment($"a-{i}-3", pan, 70m + i)).ToList();
            var crashAtB = Payment("b-crash", crashCard, 90m);
            await Task.WhenAll(
                NodeTerminal.PayAsync(a.MqttPort, "shop-a", "t1", atA, _directory, Patience),
                NodeTerminal.PayAsync(b.MqttPort, "shop-b", "t1", [crashAtB], _directory, Patience));
            var statusA = await a.FleetStatusAsync();
            var statusB = await b.FleetStatusAsync();
            output.WriteLine($"store-a fleet: {statusA}\nstore-b fleet: {statusB}");
            Assert.True(statusA.GetProperty("linkUp").GetBoolean());
            Assert.True(statusA.GetProperty("profilesFetched").GetInt64() >= shared.Length, "store A fetched fewer profiles than first sights: " + statusA);
            Assert.True(statusB.GetProperty("profilesFetched").GetInt64() >= 1, "store B fetched no profile: " + statusB);
        }
        catch (Exception) when (Dump(a, b))
        {
            throw;
        }
        finally
        {
            // Stopped gracefully, so that each record holds every payment its agent answered (after a SIGKILL the last ones
            // may be in the answer journal only, until the agent starts again).
            foreach (var agent in new[] { a, b })
            {
                if (agent is not null)
                {
                    await agent.StopAsync(Patience);
                    agent.Dispose();
                }
            }
        }

        // Each store's record: the first payment of a card there counted the other store's two earlier payments, which
        // only the fleet could have given it (neither store had seen the card before).
        using (var recordA = Record(storeA))
        {
            foreach (var (pan, i) in shared.Select((p, i) => (p, i)))
            {
                var outcome = recordA.Outcome($"a-{i}-3")!;
                Assert.Equal(2f, outcome.Features![CardCount24h]);
            }

            // Before the kill, with the link down, store A counted its own history only.
            Assert.Equal(0f, recordA.Outcome("a-1")!.Features![CardCount24h]);
            Assert.Equal(1f, recordA.Outcome("a-2")!.Features![CardCount24h]);
        }

        using (var recordB = Record(storeB))
        {
            Assert.Equal(2f, recordB.Outcome("b-crash")!.Features![CardCount24h]);
            Assert.Equal(0f, recordB.Outcome("b-0-1")!.Features![CardCount24h]);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string Payment(string transactionId, string pan, decimal amount) => _payments.Next(transactionId, pan, amount);

    private Task<CardProfile> ProfileAsync(string token, string excluding) =>
        fleet.Cluster.Client.GetGrain<ICardProfileGrain>(token).ReadExcludingAsync(excluding);

    private static Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done) => Polling.UntilAsync(read, done, Patience);

    private static AgentRecord Record(string dataPath) => new(dataPath);

    private bool Dump(FleetAgent? a, FleetAgent? b)
    {
        output.WriteLine("store-a agent:\n" + a?.Output + "\nstore-b agent:\n" + b?.Output + "\n" + fleet.Cluster.SiloOutput());
        return false;
    }
}
