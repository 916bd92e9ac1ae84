using EdgeAgent.Core.Features;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EdgeAgent.Fleet.Tests;

/// <summary>
/// A key rotation with the agent programs: two stores and one agent that sees every payment (no fleet) are paid by
/// MQTT.js terminals under key k1, then all three start again with k2 and k1 as the previous key. The payments after
/// the rotation are scored at each store with the card's whole history, from before the rotation and from the other
/// store: their features equal, float for float, those of the agent that saw everything.
/// </summary>
[Collection(FleetLinkCollection.Name)]
public sealed class KeyRotationAgentTests(FleetLinkCluster fleet, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private static readonly int CardCount24h = FeatureSchema.Names.ToList().IndexOf("card_count_24h");

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgeagent-fleet-rotation-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly TerminalPayments _payments = new(DateTimeOffset.UtcNow.AddHours(-3));

    [Fact]
    public async Task After_a_rotation_each_store_scores_a_card_with_its_history_from_before_it_and_from_the_other_store()
    {
        const string cardX = "4000000000000150";
        const string cardZ = "4000000000000168";
        var storeA = Path.Combine(_directory, "store-a");
        var storeB = Path.Combine(_directory, "store-b");
        var single = Path.Combine(_directory, "single");
        var k1 = new CardTokenizer(FleetLinkCluster.FleetKey, "k1");
        var k2 = new CardTokenizer(FleetLinkCluster.RotationKey, "k2");
        string[] onK1 = ["--Tokenization:Key=" + Convert.ToBase64String(FleetLinkCluster.FleetKey), "--Tokenization:KeyId=k1"];
        string[] onK2 =
        [
            "--Tokenization:Key=" + Convert.ToBase64String(FleetLinkCluster.RotationKey), "--Tokenization:KeyId=k2",
            "--Tokenization:PreviousKey=" + Convert.ToBase64String(FleetLinkCluster.FleetKey), "--Tokenization:PreviousKeyId=k1",
        ];

        // Before: A pays X twice, B pays X once and Z once, all under k1; the agent that sees everything is paid the same.
        var beforeA = new[] { Payment("a-1", cardX, 40m), Payment("a-2", cardX, 55m) };
        var beforeB = new[] { Payment("b-1", cardX, 35m), Payment("b-2", cardZ, 80m) };
        await WithAgentsAsync(storeA, storeB, single, onK1, async (a, b, all) =>
        {
            await PayAsync(a, "shop-a", beforeA, all);
            await PayAsync(b, "shop-b", beforeB, all);
            await EventuallyAsync(() => ProfileAsync(k1, cardX, "store-none"), p => p.Payments.Count == 3, "X's three payments under k1");
            await EventuallyAsync(() => ProfileAsync(k1, cardZ, "store-none"), p => p.Payments.Count == 1, "Z's payment under k1");
        });

        // The rotation: every agent starts again with k2, k1 as the previous key.
        await WithAgentsAsync(storeA, storeB, single, onK2, async (a, b, all) =>
        {
            // B's first sight of X under k2 names X's k1 token: the fleet folds A's two payments (and B's own) in.
            await PayAsync(b, "shop-b", [Payment("b-3", cardX, 61m)], all);

            // A's first sight of Z under k2: B's payment of Z from before the rotation.
            await PayAsync(a, "shop-a", [Payment("a-3", cardZ, 72m)], all);

            // A pays X again once the fleet has B's payment after the rotation (the features are compared, not the lag).
            await EventuallyAsync(() => ProfileAsync(k2, cardX, "store-a"), p => p.Payments.Count == 2, "B's two payments of X for A");
            await PayAsync(a, "shop-a", [Payment("a-4", cardX, 66m)], all);
            await EventuallyAsync(() => ProfileAsync(k2, cardX, "store-none"), p => p.Payments.Count == 5, "X's five payments under k2");
            output.WriteLine("store-b fleet after the rotation: " + await b.FleetStatusAsync());
        });

        var whole = await ProfileAsync(k2, cardX, "store-none");
        Assert.Equal(k1.Tokenize(System.Text.Encoding.ASCII.GetBytes(cardX)), whole.FoldedFrom);

        using var recordA = new AgentRecord(storeA);
        using var recordB = new AgentRecord(storeB);
        using var recordAll = new AgentRecord(single);
        foreach (var (record, id, count) in new[] { (recordB, "b-3", 3f), (recordA, "a-3", 1f), (recordA, "a-4", 4f) })
        {
            var atStore = record.Outcome(id)?.Features;
            var seenEverything = recordAll.Outcome(id)?.Features;
            Assert.True(atStore is not null && seenEverything is not null, $"{id} is missing from a record");
            output.WriteLine($"{id}: store {string.Join(",", atStore)}\n{id}: all   {string.Join(",", seenEverything)}");
            Assert.Equal(count, seenEverything[CardCount24h]);
            Assert.Equal(seenEverything, atStore);
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

    /// <summary>
    /// Starts the three agents on <paramref name="keys"/>, runs <paramref name="phase"/>, and stops them whatever happened, as
    /// a rotation restarts them: gracefully (SIGTERM), so that each record holds every payment its agent answered.
    /// </summary>
    private async Task WithAgentsAsync(string storeA, string storeB, string single, string[] keys, Func<FleetAgent, FleetAgent, FleetAgent, Task> phase)
    {
        var (a, b, all) = await StartAsync(storeA, storeB, single, keys);
        bool[] stopped;
        try
        {
            await phase(a, b, all);
        }
        catch (Exception) when (Dump(a, b, all))
        {
            throw;
        }
        finally
        {
            stopped = await Task.WhenAll(a.StopAsync(Patience), b.StopAsync(Patience), all.StopAsync(Patience));
            a.Dispose();
            b.Dispose();
            all.Dispose();
        }

        Assert.True(stopped.All(s => s), "an agent did not stop within " + Patience);
    }

    private async Task<(FleetAgent A, FleetAgent B, FleetAgent All)> StartAsync(string storeA, string storeB, string single, string[] keys)
    {
        // The fleet agents keep FleetAgent's fetch budget (1 s, the most the setting allows): room for the fold's grain calls.
        string[] settings = keys;
        var startA = FleetAgent.StartAsync(storeA, "store-a", fleet.BrokerPort, Patience, settings);
        var startB = FleetAgent.StartAsync(storeB, "store-b", fleet.BrokerPort, Patience, settings);
        var mqtt = FreePort.Next();
        var http = FreePort.Next();
        var startAll = FleetAgent.RunAsync(single, mqtt, http, single, Patience, keys);
        try
        {
            await Task.WhenAll(startA, startB, startAll);
            return (startA.Result, startB.Result, new FleetAgent(startAll.Result, mqtt, http));
        }
        catch (Exception)
        {
            // One did not start: the others must not outlive the test.
            foreach (var started in new[] { startA, startB }.Where(t => t.IsCompletedSuccessfully))
            {
                started.Result.Dispose();
            }

            if (startAll.IsCompletedSuccessfully)
            {
                startAll.Result.Dispose();
            }

            throw;
        }
    }

    /// <summary>Pays at the store's agent, then the same payments at the agent that sees every store, under the same store's topic.</summary>
    private async Task PayAsync(FleetAgent store, string shop, IReadOnlyList<string> payments, FleetAgent all)
    {
        await NodeTerminal.PayAsync(store.MqttPort, shop, "t1", payments, _directory, Patience);
        await NodeTerminal.PayAsync(all.MqttPort, shop, "t1", payments, _directory, Patience);
    }

    private string Payment(string transactionId, string pan, decimal amount) => _payments.Next(transactionId, pan, amount);

    private Task<CardProfile> ProfileAsync(CardTokenizer key, string pan, string excluding) =>
        fleet.Cluster.Client.GetGrain<ICardProfileGrain>(key.Tokenize(System.Text.Encoding.ASCII.GetBytes(pan))).ReadExcludingAsync(excluding);

    private static async Task EventuallyAsync(Func<Task<CardProfile>> read, Func<CardProfile, bool> done, string what) =>
        Assert.True(done(await Polling.UntilAsync(read, done, Patience)), "the fleet never held " + what);

    private bool Dump(params FleetAgent[] agents)
    {
        output.WriteLine(string.Join("\n", agents.Select(a => "agent:\n" + a.Output)) + "\n" + fleet.Cluster.SiloOutput());
        return false;
    }
}
