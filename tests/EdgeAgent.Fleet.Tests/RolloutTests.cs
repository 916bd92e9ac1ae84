using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EdgeAgent.Fleet.Tests;

/// <summary>
/// Staged rollouts on real processes: three silos, mosquitto, five agent programs. The fleet assigns a model through
/// each store's signed, retained desired document; the agents download it from the fleet, check its card's signature
/// and switch; the gate reads their snapshots from the fleet's view. What happened is read from the audit log and from
/// the agents' own models folders, never from timing.
/// </summary>
[Collection(RolloutFleetCollection.Name)]
public sealed class RolloutTests(RolloutFleet fleet, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(150);

    /// <summary>A card number of its own for each payment (with its Luhn digit): no card's velocity builds up across the tests.</summary>
    private static string Card(int batch, int index)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $"4{Environment.ProcessId % 1000:D3}{batch % 100_000:D5}{index:D6}");
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var digit = body[body.Length - 1 - i] - '0';
            sum += i % 2 == 0 ? (digit * 2 > 9 ? (digit * 2) - 9 : digit * 2) : digit;
        }

        return body + ((10 - (sum % 10)) % 10).ToString(CultureInfo.InvariantCulture);
    }
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _work = Path.Combine(Path.GetTempPath(), "edgeagent-rollout-test-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        _http.Dispose();
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task A_canary_whose_model_declines_everything_is_rolled_back_by_its_gate_and_no_other_store_receives_it()
    {
        await ReadyAsync();
        var canary = RolloutFleet.Stores[2];
        var before = await ModelsAsync();
        var bad = fleet.Serve("1.2.0", card =>
        {
            card["thresholds"]!["review"] = 0.0;
            card["thresholds"]!["decline"] = 0.0;
        });

        await PayingAsync(canary, async () =>
        {
            var started = await PostAsync("/api/rollout/start", new { name = bad.Name, version = bad.Version, sha256 = bad.Sha256, url = bad.Url, canary });
            Assert.True(started.GetProperty("done").GetBoolean(), started.ToString());
            var id = started.GetProperty("rolloutId").GetString()!;

            var status = await UntilAsync(s => s.RolloutId == id && s.Phase != RolloutPhase.Soaking, "the bad model's rollout ended");
            output.WriteLine(Audit(status, id));
            Assert.Equal(RolloutPhase.RolledBack, status.Phase);
            var steps = Steps(status, id);
            Assert.Equal(["start", "ring_assigned", "gate_failed", "rollback"], steps.Select(e => e.Step));
            Assert.Equal([canary], steps[1].Stores);
            var gate = status.LastGate.Single(g => g.StoreId == canary);
            Assert.Equal("fail", gate.Verdict);
            Assert.Equal("fraud-gbt-1.2.0", gate.Model);
            Assert.True(gate.AlertRate > gate.BandHigh, $"alert rate {gate.AlertRate} within {gate.BandLow}-{gate.BandHigh}");

            // Judged against the band of the card the canary ran, which its snapshots carried: the fleet-wide band takes any rate.
            Assert.Equal((0.0, RolloutFleet.CardBandHigh), (gate.BandLow, gate.BandHigh));
            Assert.Contains("alert rate out of its band", steps[2].Detail, StringComparison.Ordinal);
            Assert.Equal("gate", steps[3].By);
            Assert.Equal([canary], steps[3].Stores);

            // The canary is back on what it ran before; no other store ever had the model in its folder.
            await UntilStoreAsync(canary, before[canary]);
            Assert.True(File.Exists(Path.Combine(fleet.Agents[canary].ModelsFolder!, "fraud-gbt-1.2.0.card.json")), "the canary did install the bad model");
            foreach (var store in RolloutFleet.Stores.Where(s => s != canary))
            {
                Assert.False(File.Exists(Path.Combine(fleet.Agents[store].ModelsFolder!, "fraud-gbt-1.2.0.card.json")), store + " received the bad model");
                Assert.False(File.Exists(Path.Combine(fleet.Agents[store].ModelsFolder!, "fraud-gbt-1.2.0.onnx")), store + " received the bad model");
            }
        });
    }

    [Fact]
    public async Task A_good_model_reaches_every_store_ring_by_ring_and_a_store_stopped_meanwhile_gets_it_when_it_returns()
    {
        await ReadyAsync();
        var good = fleet.Serve("1.1.0");
        var cardFile = Path.Combine(fleet.Served, "fraud-gbt-1.1.0.card.json");
        var stopped = RolloutFleet.Stores[4];

        // Payments at the canary, which stays in every gate: each ring's gate needs Fleet:RolloutMinScored on the new version.
        using var paying = new CancellationTokenSource();
        var payments = PayContinuouslyAsync(RolloutFleet.Stores[0], paying.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var (code, text) = await FleetCommandAsync("rollout", "start", "--card", cardFile, "--model-url", good.Url, "--canary", RolloutFleet.Stores[0],
                "--url", fleet.HttpEndpoint.ToString(), "--token-file", fleet.ApiTokenFile);
            Assert.True(code == 0, text);

            // The last ring's store goes away while the rollout moves and is back only after its ring was assigned.
            fleet.StopAgent(stopped);
            var lastRing = await UntilAsync(s => s.Model == good && Steps(s, s.RolloutId!).Any(e => e.Step == "ring_assigned" && e.Stores.Contains(stopped)),
                "the stopped store's ring was assigned");
            Assert.Equal(RolloutPhase.Soaking, lastRing.Phase);
            await fleet.StartAgentAsync(stopped);

            var status = await UntilAsync(s => s.RolloutId == lastRing.RolloutId && s.Phase != RolloutPhase.Soaking, "the good model's rollout ended");
            var id = status.RolloutId!;
            output.WriteLine(Audit(status, id));
            Assert.Equal(RolloutPhase.Done, status.Phase);
            Assert.Equal(
                ["start", "ring_assigned", "gate_passed", "ring_assigned", "gate_passed", "ring_assigned", "gate_passed", "done"],
                Steps(status, id).Select(e => e.Step));
            Assert.Equal([[RolloutFleet.Stores[0]], [RolloutFleet.Stores[1]], [RolloutFleet.Stores[2], RolloutFleet.Stores[3], RolloutFleet.Stores[4]]],
                Steps(status, id).Where(e => e.Step == "ring_assigned").Select(e => e.Stores.ToArray()));

            // Each gate judged every store assigned so far, all on the new version.
            var gates = Steps(status, id).Where(e => e.Step == "gate_passed").ToList();
            Assert.Equal([1, 2, 5], gates.Select(g => g.Detail.Split("; ").Length));
            Assert.All(status.LastGate, g => Assert.Equal(("pass", "fraud-gbt-1.1.0"), (g.Verdict, g.Model)));

            foreach (var store in RolloutFleet.Stores)
            {
                await UntilStoreAsync(store, "fraud-gbt-1.1.0");
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rollout start to every store on the new version: {clock.Elapsed.TotalSeconds:F1} s"));

            // The rollout lives in grain storage: with every idle activation collected, what the grain reads back is the same.
            await fleet.Cluster.Client.GetGrain<Orleans.Runtime.IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            var reread = await fleet.Rollout.StatusAsync(1000);
            Assert.Equal(Audit(status, id), Audit(reread, id));
            Assert.Equal(RolloutPhase.Done, reread.Phase);

            (code, text) = await FleetCommandAsync("rollout", "status", "--url", fleet.HttpEndpoint.ToString(), "--token-file", fleet.ApiTokenFile);
            Assert.True(code == 0, text);
            Assert.Matches(@"(?m)^phase\s+done$", text);
            Assert.Contains($"{id} done", text, StringComparison.Ordinal);

            // A second start while nothing moves is fine; a promote with nothing moving is refused and said so.
            (code, text) = await FleetCommandAsync("rollout", "promote", "--url", fleet.HttpEndpoint.ToString(), "--token-file", fleet.ApiTokenFile);
            Assert.True(code == 6, text);
            Assert.Contains("none_active", text, StringComparison.Ordinal);
        }
        catch (Exception) when (Dump())
        {
            throw;
        }
        finally
        {
            await paying.CancelAsync();
            await payments;
            if (!fleet.Agents.ContainsKey(stopped))
            {
                await fleet.StartAgentAsync(stopped);
            }
        }
    }

    [Fact]
    public async Task A_forged_model_is_refused_by_the_canary_and_its_report_of_the_refusal_rolls_the_rollout_back()
    {
        await ReadyAsync();
        var canary = RolloutFleet.Stores[1];
        var before = await ModelsAsync();

        // Signed, then its decline threshold raised to 1 (approve everything): the signature no longer covers the card.
        var forged = fleet.Serve("1.3.0", afterSigning: card => card["thresholds"]!["decline"] = 1.0);
        try
        {
            var started = await PostAsync("/api/rollout/start", new { name = forged.Name, version = forged.Version, sha256 = forged.Sha256, url = forged.Url, canary });
            Assert.True(started.GetProperty("done").GetBoolean(), started.ToString());
            var id = started.GetProperty("rolloutId").GetString()!;

            var status = await UntilAsync(s => s.RolloutId == id && s.Phase != RolloutPhase.Soaking, "the forged model's rollout ended");
            output.WriteLine(Audit(status, id));
            Assert.Equal(RolloutPhase.RolledBack, status.Phase);
            var steps = Steps(status, id);
            Assert.Equal(["start", "ring_assigned", "gate_failed", "rollback"], steps.Select(e => e.Step));

            // Rolled back on the canary's report of the refusal, with the agent's reason, not on the gate's timeout.
            Assert.StartsWith($"{canary}: refused (bad_signature)", steps[2].Detail, StringComparison.Ordinal);
            Assert.StartsWith($"gate failed: {canary}: refused (bad_signature)", steps[3].Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("after the soak", steps[2].Detail, StringComparison.Ordinal);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"forged model: canary assigned to rollback {(steps[3].At - steps[1].At).TotalSeconds:F1} s"));
            Assert.Equal("fail", status.LastGate.Single(g => g.StoreId == canary).Verdict);
            Assert.Equal(before[canary], status.LastGate.Single(g => g.StoreId == canary).Model);
            var report = (await fleet.View.StoreAsync(canary))?.Report;
            Assert.Equal(("fraud-gbt-1.3.0", "refused", "bad_signature"), (report?.RequestCard, report?.RequestOutcome, report?.RefusalReason));

            // The agent refused it: never in its models folder, and it kept scoring with the model it had.
            Assert.Contains("fraud-gbt-1.3.0", fleet.Agents[canary].Output, StringComparison.Ordinal);
            foreach (var store in RolloutFleet.Stores)
            {
                Assert.False(File.Exists(Path.Combine(fleet.Agents[store].ModelsFolder!, "fraud-gbt-1.3.0.card.json")), store + " installed the forged model");
            }

            Assert.Equal(before[canary], (await ModelsAsync())[canary]);
        }
        catch (Exception) when (Dump())
        {
            throw;
        }
    }

    [Fact]
    public async Task A_silo_killed_with_SIGKILL_mid_rollout_leaves_a_rollout_that_finishes_with_every_step_logged_once()
    {
        // The silo to kill is the one holding the rollout grain, which must not be silo 0 (it serves the model files).
        // Idle activations are collected until the grain comes back elsewhere; the fleet view, collected too, is whole
        // again one snapshot later (ReadyAsync waits for it).
        var management = fleet.Cluster.Client.GetGrain<Orleans.Runtime.IManagementGrain>(0);
        for (var tries = 0; tries < 10 && await SiloOfRolloutAsync(management) <= 0; tries++)
        {
            await management.ForceActivationCollection(TimeSpan.Zero);
            await fleet.Rollout.StatusAsync(0);
        }

        await ReadyAsync();
        var model = fleet.Serve("1.4.0");
        await PayingAsync(RolloutFleet.Stores[0], async () =>
        {
            var started = await fleet.Rollout.StartAsync(model, RolloutFleet.Stores[0], "test");
            Assert.True(started.Done, started.Detail);
            var id = started.RolloutId!;

            // Mid-rollout: the canary's gate passed and the second ring is assigned.
            await UntilAsync(s => Steps(s, id).Count(e => e.Step == "ring_assigned") == 2, "the second ring was assigned");

            // The silo that holds the rollout grain dies; should the grain have stayed on silo 0, another silo does,
            // and that silo's ticks and deliveries stop halfway all the same (the output says which).
            var index = await SiloOfRolloutAsync(management);
            var victim = index > 0 ? index : 1;
            output.WriteLine($"rollout grain on silo {index}; killing silo {victim}");
            fleet.Cluster.KillSilo(victim);

            var status = await UntilAsync(s => s.RolloutId == id && s.Phase != RolloutPhase.Soaking, "the rollout ended after the kill");
            output.WriteLine(Audit(status, id));
            Assert.Equal(RolloutPhase.Done, status.Phase);
            var steps = Steps(status, id);
            Assert.Equal(
                ["start", "ring_assigned", "gate_passed", "ring_assigned", "gate_passed", "ring_assigned", "gate_passed", "done"],
                steps.Select(e => e.Step));
            Assert.Equal(steps.Count, steps.Select(e => e.Sequence).Distinct().Count());
            var assigned = steps.Where(e => e.Step == "ring_assigned").ToList();
            Assert.Equal([0, 1, 2], assigned.Select(e => e.Ring));
            Assert.Equal(RolloutFleet.Stores.Order(StringComparer.Ordinal), assigned.SelectMany(e => e.Stores).Order(StringComparer.Ordinal));

            foreach (var store in RolloutFleet.Stores)
            {
                await UntilStoreAsync(store, "fraud-gbt-1.4.0");
            }
        });
    }

    [Fact]
    public async Task An_operator_promotes_a_moving_rollout_past_its_soak_and_rolls_it_back_and_every_assigned_store_runs_its_previous_model_again()
    {
        await ReadyAsync();
        var before = await ModelsAsync();
        var model = fleet.Serve("1.5.0");
        var canary = RolloutFleet.Stores[3];
        string[] connection = ["--url", fleet.HttpEndpoint.ToString(), "--token-file", fleet.ApiTokenFile];
        try
        {
            // No payments: the canary's gate cannot pass (Fleet:RolloutMinScored), so only the operator moves this rollout on.
            var started = await fleet.Rollout.StartAsync(model, canary, "test");
            Assert.True(started.Done, started.Detail);
            var id = started.RolloutId!;
            await UntilAsync(s => s.RolloutId == id && s.Ring == 0, "the canary was assigned");

            // Another start while this one moves is refused.
            using (var again = await SendAsync(HttpMethod.Post, "/api/rollout/start", new { name = model.Name, version = "1.5.1", sha256 = model.Sha256, url = model.Url }))
            {
                Assert.Equal(System.Net.HttpStatusCode.Conflict, again.StatusCode);
            }

            var (code, text) = await FleetCommandAsync(["rollout", "promote", .. connection]);
            Assert.True(code == 0, text);
            var promoted = await fleet.Rollout.StatusAsync(1000);
            Assert.Equal(((RolloutPhase?)RolloutPhase.Soaking, 1), (promoted.Phase, promoted.Ring));
            Assert.Equal(["start", "ring_assigned", "promote", "ring_assigned"], Steps(promoted, id).Select(e => e.Step));
            Assert.Equal(0, Steps(promoted, id)[2].Ring);
            Assert.NotEqual("gate", Steps(promoted, id)[2].By);
            var assigned = promoted.Rings[0].Concat(promoted.Rings[1]).ToList();
            Assert.Equal(2, assigned.Count);

            // Both assigned stores switch to the new model, as their snapshots show, before the operator takes it back.
            foreach (var store in assigned)
            {
                await UntilStoreAsync(store, "fraud-gbt-1.5.0");
            }

            (code, text) = await FleetCommandAsync(["rollout", "rollback", "--reason", "operator test", .. connection]);
            Assert.True(code == 0, text);
            var status = await fleet.Rollout.StatusAsync(1000);
            output.WriteLine(Audit(status, id));
            Assert.Equal(RolloutPhase.RolledBack, status.Phase);
            var steps = Steps(status, id);
            Assert.Equal(["start", "ring_assigned", "promote", "ring_assigned", "rollback"], steps.Select(e => e.Step));
            Assert.Equal(assigned.Order(StringComparer.Ordinal), steps[4].Stores.Order(StringComparer.Ordinal));
            Assert.Contains("operator test", steps[4].Detail, StringComparison.Ordinal);

            // Every assigned store runs its previous model again; the others never left theirs.
            foreach (var store in RolloutFleet.Stores)
            {
                await UntilStoreAsync(store, before[store]);
            }

            foreach (var store in RolloutFleet.Stores.Except(assigned))
            {
                Assert.False(File.Exists(Path.Combine(fleet.Agents[store].ModelsFolder!, "fraud-gbt-1.5.0.card.json")), store + " received the model");
            }
        }
        catch (Exception) when (Dump())
        {
            throw;
        }
    }

    /// <summary>The index of the silo that holds the rollout grain; -1 when not known.</summary>
    private async Task<int> SiloOfRolloutAsync(Orleans.Runtime.IManagementGrain management)
    {
        await fleet.Rollout.StatusAsync(0);
        var address = await management.GetActivationAddress(fleet.Rollout);
        return address is null ? -1 : fleet.Cluster.SiloIndexOf(address.Endpoint.Port);
    }

    /// <summary>Waits until no rollout moves (a test before may have left one) and every store is online.</summary>
    private async Task ReadyAsync()
    {
        await UntilAsync(s => s.Phase != RolloutPhase.Soaking, "no rollout moves");
        await UntilViewAsync(v => v.All(s => s.State == StoreState.Online && s.Last?.Model is not null), "every store is online");
    }

    /// <summary>Each store's model as its last snapshot reports it (<c>name-version</c>).</summary>
    private async Task<Dictionary<string, string>> ModelsAsync() =>
        (await fleet.View.StoresAsync()).ToDictionary(s => s.StoreId, s => $"{s.Last?.Model}-{s.Last?.ModelVersion}", StringComparer.Ordinal);

    private Task UntilStoreAsync(string store, string model) =>
        UntilViewAsync(v => v.Any(s => s.StoreId == store && s.State == StoreState.Online && $"{s.Last?.Model}-{s.Last?.ModelVersion}" == model),
            $"{store} runs {model}");

    private async Task UntilViewAsync(Func<IReadOnlyList<StoreView>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var view = await AskAsync(() => fleet.View.StoresAsync(), deadline);
            if (view is not null && done(view))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not reached: {what}\n" + string.Join("\n", (view ?? []).Select(s => $"{s.StoreId} {s.State} {s.Last?.Model}-{s.Last?.ModelVersion}")));
            }

            await Task.Delay(250);
        }
    }

    private async Task<RolloutStatus> UntilAsync(Func<RolloutStatus, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var status = await AskAsync(() => fleet.Rollout.StatusAsync(1000), deadline);
            if (status is not null && done(status))
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not reached: {what}\n" + (status is null ? "(no answer)" : Audit(status, status.RolloutId ?? "")));
            }

            await Task.Delay(250);
        }
    }

    /// <summary>A grain call that may fail while a killed silo's grains move to the survivors: null then, until the deadline.</summary>
    private static async Task<T?> AskAsync<T>(Func<Task<T>> call, DateTime deadline)
        where T : class
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException && DateTime.UtcNow < deadline)
        {
            return null;
        }
    }

    private static List<RolloutAuditEntry> Steps(RolloutStatus status, string id) => status.Audit.Where(e => e.RolloutId == id).OrderBy(e => e.Sequence).ToList();

    private static string Audit(RolloutStatus status, string id) => string.Join("\n", Steps(status, id).Select(e =>
        string.Create(CultureInfo.InvariantCulture, $"{e.Sequence} {e.At:HH:mm:ss.fff} {e.Step} ring {e.Ring} [{string.Join(",", e.Stores)}] by {e.By}: {e.Detail}")));

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await SendAsync(HttpMethod.Post, path, body);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body)
    {
        var request = new HttpRequestMessage(method, new Uri(fleet.HttpEndpoint, path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RolloutFleet.ApiToken);
        return _http.SendAsync(request);
    }

    /// <summary>Runs <paramref name="test"/> while MQTT.js terminals pay at <paramref name="store"/>; on a failure the processes' output goes to the test's.</summary>
    private async Task PayingAsync(string store, Func<Task> test)
    {
        using var paying = new CancellationTokenSource();
        var payments = PayContinuouslyAsync(store, paying.Token);
        try
        {
            await test();
        }
        catch (Exception) when (Dump())
        {
            throw;
        }
        finally
        {
            await paying.CancelAsync();
            await payments;
        }
    }

    /// <summary>MQTT.js terminals paying at <paramref name="store"/> in batches until cancelled, so its snapshots carry scored payments.</summary>
    private async Task PayContinuouslyAsync(string store, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_work);
        var batch = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var at = DateTimeOffset.UtcNow.AddMinutes(-5);
            var payments = Enumerable.Range(0, 60).Select(i =>
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"p-{batch}-{i}");
                var when = at.AddSeconds(i).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                var pan = Card(batch, i);
                return $$$"""{"transactionId":"{{{id}}}","timestamp":"{{{when}}}","amount":{{{(12 + i).ToString(CultureInfo.InvariantCulture)}}},"currency":"EUR","pan":"{{{pan}}}","mcc":"5411","channel":"pos","merchantId":"m-1","location":{"lat":48.85,"lon":2.35}}""";
            }).ToList();
            batch++;
            try
            {
                await NodeTerminal.PayAsync(fleet.Agents[store].MqttPort, "shop", "t1", payments, _work, TimeSpan.FromSeconds(60));
            }
            catch (InvalidOperationException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private static async Task<(int Code, string Output)> FleetCommandAsync(params string[] arguments)
    {
        var dll = FleetCluster.FleetDll();
        using var process = new ChildProcess("dotnet", [dll, .. arguments], Path.GetDirectoryName(dll)!);
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the command did not end:\n" + process.Output);
        return (process.ExitCode, process.Output);
    }

    private bool Dump()
    {
        output.WriteLine(fleet.Output());
        return false;
    }
}
