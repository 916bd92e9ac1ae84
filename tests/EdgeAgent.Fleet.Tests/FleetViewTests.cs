using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EdgeAgent.Fleet.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace EdgeAgent.Fleet.Tests;

/// <summary>
/// The fleet's view on the real cluster behind mosquitto: four stores' agents send their metric snapshots (the
/// agent's own snapshotter, buffer and MQTT cloud transport, logged in as the store) and the silos' HTTP endpoints
/// show the fleet; refusals are done for real through the broker.
/// </summary>
[Collection(FleetLinkCollection.Name)]
public sealed class FleetViewTests(FleetLinkCluster fleet, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Snapshots_make_the_same_view_on_every_silo_worst_first()
    {
        // One snapshot each, covering the minute before now: the stores stay online for three minutes, the test's span.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1));
        var agents = await StartAgentsAsync(clock);
        clock.Advance(TimeSpan.FromMinutes(1));
        try
        {
            // a and b in band; c flags half of its payments; d is slow.
            var sent = new Dictionary<string, JsonDocument>
            {
                ["store-a"] = await agents[0].SnapshotAsync(40, 0.025, 4),
                ["store-b"] = await agents[1].SnapshotAsync(40, 0.05, 6),
                ["store-c"] = await agents[2].SnapshotAsync(40, 0.5, 5),
                ["store-d"] = await agents[3].SnapshotAsync(40, 0.025, 400),
            };

            var silos = fleet.LiveHttpEndpoints;
            Assert.True(silos.Count >= 2, "at least two silos run");
            var views = new List<JsonElement>();
            foreach (var silo in silos)
            {
                views.Add(await WaitForStoresAsync(silo, stores => FleetLinkCluster.Stores.All(s =>
                    Store(stores, s).GetProperty("state").GetString() == "Online" &&
                    Store(stores, s).GetProperty("last").GetProperty("at").GetDateTimeOffset() == sent[s].RootElement.GetProperty("at").GetDateTimeOffset())));
            }

            foreach (var stores in views)
            {
                Assert.Equal(["store-c", "store-d", "store-a", "store-b"], stores.EnumerateArray().Select(s => s.GetProperty("storeId").GetString()!).ToArray());
                foreach (var (store, snapshot) in sent)
                {
                    var view = Store(stores, store);
                    var last = view.GetProperty("last");
                    var root = snapshot.RootElement;
                    Assert.Equal(root.GetProperty("throughputPerSecond").GetDouble(), last.GetProperty("paymentsPerSecond").GetDouble());
                    Assert.Equal(root.GetProperty("latencyMs").GetProperty("request").GetProperty("p99").GetDouble(), last.GetProperty("p99Ms").GetDouble());
                    Assert.Equal("fraud-" + store, last.GetProperty("model").GetString());
                    Assert.Equal("1.0.0", last.GetProperty("modelVersion").GetString());
                    Assert.Equal("Cpu", last.GetProperty("provider").GetString());
                    Assert.Equal(40, last.GetProperty("scored").GetInt64());
                    var flagged = root.GetProperty("decisions").GetProperty("decline").GetInt64();
                    Assert.Equal(flagged / 40.0, view.GetProperty("alertRate").GetDouble(), 9);
                    Assert.False(view.GetProperty("bandFromModelCard").GetBoolean());
                }

                Assert.True(Store(stores, "store-c").GetProperty("alertRateOutOfBand").GetBoolean());
                Assert.False(Store(stores, "store-a").GetProperty("alertRateOutOfBand").GetBoolean());
                Assert.True(Store(stores, "store-d").GetProperty("latencyOutOfBand").GetBoolean());
                Assert.False(Store(stores, "store-b").GetProperty("latencyOutOfBand").GetBoolean());
            }

            // One grain serves every silo: each store's last snapshot is the same one everywhere.
            Assert.All(views, v => Assert.Equal(
                views[0].EnumerateArray().Select(s => s.GetProperty("lastSeen").GetString()),
                v.EnumerateArray().Select(s => s.GetProperty("lastSeen").GetString())));

            using var status = await GetJsonAsync(new Uri(silos[^1], "/api/status"));
            Assert.Equal(4, status.RootElement.GetProperty("online").GetInt32());
            Assert.Equal(1, status.RootElement.GetProperty("alertRateOutOfBand").GetInt32());
            Assert.Equal(1, status.RootElement.GetProperty("latencyOutOfBand").GetInt32());

            // The operator's commands on the fleet program's command line, through a silo's API.
            var (code, text) = await FleetCommandAsync("stores", "--url", silos[0].ToString(), "--token-file", fleet.ApiTokenFile);
            Assert.True(code == 0, text);
            var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("store-", StringComparison.Ordinal)).ToList();
            Assert.Equal(["store-c", "store-d", "store-a", "store-b"], rows.Select(r => r.Split(' ')[0]).ToArray());
            Assert.Contains("50.0%!", rows[0], StringComparison.Ordinal);
            Assert.Contains("400.0!", rows[1], StringComparison.Ordinal);
            Assert.All(rows, r => Assert.Contains(" online ", r, StringComparison.Ordinal));

            (code, text) = await FleetCommandAsync("status", "--url", silos[^1].ToString(), "--token-file", fleet.ApiTokenFile);
            Assert.True(code == 0, text);
            Assert.Matches(@"(?m)^online\s+4$", text);

            var wrongToken = Path.Combine(Path.GetTempPath(), "edgeagent-wrong-token-" + Guid.NewGuid().ToString("N")[..8]);
            await File.WriteAllTextAsync(wrongToken, new string('w', 44));
            try
            {
                (code, text) = await FleetCommandAsync("stores", "--url", silos[0].ToString(), "--token-file", wrongToken);
                Assert.True(code == 4, text);
            }
            finally
            {
                File.Delete(wrongToken);
            }
        }
        finally
        {
            await DisposeAllAsync(agents);
        }
    }

    [Fact]
    public async Task Refused_and_counted_unknown_forged_malformed_oversized_and_the_api_without_its_token()
    {
        var silos = fleet.LiveHttpEndpoints;
        var silo = silos[0];
        await using var storeA = new SnapshotAgent("store-a", fleet.BrokerPort, "fraud-store-a");
        await storeA.StartAsync();
        using var own = await storeA.SnapshotAsync(10, 0, 3);
        var seenA = (await WaitForStoresAsync(silo, s => Store(s, "store-a").GetProperty("last") is { ValueKind: JsonValueKind.Object } last
            && last.GetProperty("at").GetDateTimeOffset() == own.RootElement.GetProperty("at").GetDateTimeOffset()))
            .EnumerateArray().First(s => s.GetProperty("storeId").GetString() == "store-a").GetProperty("lastSeen").GetString();

        // The API: no token, a wrong one, a cross-site request. /metrics stays open.
        var before = await SumAsync(silos.Take(1), "edgeagent_fleet_api_refusals_total");
        using (var noToken = await _http.GetAsync(new Uri(silo, "/api/stores")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        }

        using (var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri(silo, "/api/status")))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new string('x', 44));
            using var response = await _http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var crossSite = new HttpRequestMessage(HttpMethod.Get, new Uri(silo, "/api/stores")))
        {
            crossSite.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FleetLinkCluster.ApiToken);
            crossSite.Headers.Add("Origin", "http://evil.example");
            using var response = await _http.SendAsync(crossSite);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(before + 3, await SumAsync(silos.Take(1), "edgeagent_fleet_api_refusals_total"));

        // A login the broker has and the fleet does not: its snapshots are refused.
        await AssertRefusedAsync(silos, "unknown_store", async () =>
        {
            await using var stranger = new SnapshotAgent(FleetLinkCluster.StrangerStore, fleet.BrokerPort, "fraud-z");
            await stranger.StartAsync();
            (await stranger.SnapshotAsync(5, 0, 3)).Dispose();
        });

        using var raw = await RawClientAsync("store-b");
        var topicB = "edgeagent/store-b/metrics";
        await AssertRefusedAsync(silos, "malformed", () => PublishAsync(raw, topicB, "{\"type\":\"metrics\",\"items\":[{\"id\":"u8.ToArray()));
        await AssertRefusedAsync(silos, "oversized", () => PublishAsync(raw, topicB, new byte[70_000]));

        // Compressed as the agent sends its batches: one that inflates without end (a bomb well under the size limit),
        // and one cut off.
        var bomb = Gzip(new byte[32 * 1024 * 1024]);
        Assert.True(bomb.Length < 65_536, $"{bomb.Length} bytes");
        await AssertRefusedAsync(silos, "inflated_oversized", () => PublishAsync(raw, topicB, bomb));
        var whole = Gzip(Encoding.UTF8.GetBytes($"{{\"type\":\"metrics\",\"source\":\"store-b\",\"items\":[{own.RootElement.GetRawText()}]}}"));
        await AssertRefusedAsync(silos, "malformed", () => PublishAsync(raw, topicB, whole[..(whole.Length - 9)]));

        // store-b's own topic carrying a message that says it is store-a's.
        var forged = Encoding.UTF8.GetBytes(
            $"{{\"type\":\"metrics\",\"source\":\"store-a\",\"epoch\":\"e\",\"first\":1,\"last\":1,\"count\":1,\"items\":[{own.RootElement.GetRawText()}]}}");
        await AssertRefusedAsync(silos, "forged_store", () => PublishAsync(raw, topicB, forged));

        // store-b under store-a's topic: the broker refuses it before the fleet could see it.
        var result = await raw.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("edgeagent/store-a/metrics").WithPayload(forged)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);

        using var after = await GetJsonAsync(new Uri(silo, "/api/stores"));
        Assert.Equal(seenA, Store(after.RootElement, "store-a").GetProperty("lastSeen").GetString());
    }

    [Fact]
    public async Task A_store_on_a_new_database_with_its_clock_set_back_is_shown_at_once_and_its_old_databases_late_copy_is_not()
    {
        var silos = fleet.LiveHttpEndpoints;
        var silo = silos[0];
        const string store = "store-b";

        // The store's agent as it ran: its database's epoch and numbering, its clock right.
        string oldEpoch;
        long oldId;
        string oldItem;
        await using (var before = new SnapshotAgent(store, fleet.BrokerPort, "fraud-old"))
        {
            await before.StartAsync();
            using var last = await before.SnapshotAsync(20, 0, 3);
            oldItem = last.RootElement.GetRawText();
            var at = last.RootElement.GetProperty("at").GetDateTimeOffset();
            var shown = Store(await WaitForStoresAsync(silo, s => LastOf(s, store) is { } l && l.GetProperty("at").GetDateTimeOffset() == at), store);
            oldEpoch = shown.GetProperty("last").GetProperty("epoch").GetString()!;
            oldId = shown.GetProperty("last").GetProperty("id").GetInt64();
        }

        // The node re-imaged: a new database (its snapshots numbered from 1 again), and a clock an hour behind.
        var setBack = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        await using var after = new SnapshotAgent(store, fleet.BrokerPort, "fraud-new", clock: setBack);
        await after.StartAsync();
        setBack.Advance(TimeSpan.FromSeconds(5)); // its snapshot interval, by its own clock
        using var first = await after.SnapshotAsync(20, 0, 3);
        var firstAt = first.RootElement.GetProperty("at").GetDateTimeOffset();
        var view = Store(await WaitForStoresAsync(silo, s => LastOf(s, store) is { } l && l.GetProperty("at").GetDateTimeOffset() == firstAt), store);
        var newEpoch = view.GetProperty("last").GetProperty("epoch").GetString()!;
        Assert.NotEqual(oldEpoch, newEpoch);
        Assert.True(view.GetProperty("state").GetString() == "Online", view.GetRawText());
        Assert.Equal("fraud-new", view.GetProperty("last").GetProperty("model").GetString());

        // A copy of the old database's message still in flight, later by its clock and its numbering: taken, and ignored.
        using var raw = await RawClientAsync(store);
        var late = oldItem.Replace($"\"id\":{oldId},", $"\"id\":{oldId + 1},", StringComparison.Ordinal);
        Assert.NotEqual(oldItem, late);
        var taken = await SumAsync(silos, "edgeagent_fleet_snapshots_total");
        await PublishAsync(raw, $"edgeagent/{store}/metrics", Encoding.UTF8.GetBytes(
            $"{{\"type\":\"metrics\",\"source\":\"{store}\",\"epoch\":\"{oldEpoch}\",\"first\":{oldId + 1},\"last\":{oldId + 1},\"count\":1,\"items\":[{late}]}}"));
        await Eventually.TrueAsync(async () => await SumAsync(silos, "edgeagent_fleet_snapshots_total") >= taken + 1, "the late copy is taken", Patience);
        foreach (var each in silos)
        {
            using var stores = await GetJsonAsync(new Uri(each, "/api/stores"));
            var last = Store(stores.RootElement, store).GetProperty("last");
            Assert.Equal(newEpoch, last.GetProperty("epoch").GetString());
            Assert.Equal(firstAt, last.GetProperty("at").GetDateTimeOffset());
        }

        // The new database's next snapshot, still an hour behind, goes on replacing the last.
        setBack.Advance(TimeSpan.FromSeconds(5));
        using var second = await after.SnapshotAsync(20, 0, 3);
        var secondAt = second.RootElement.GetProperty("at").GetDateTimeOffset();
        await WaitForStoresAsync(silo, s => LastOf(s, store) is { } l && l.GetProperty("at").GetDateTimeOffset() == secondAt);
        output.WriteLine($"old database {oldEpoch} (last id {oldId}), new {newEpoch}: shown at {firstAt:O} and {secondAt:O}");
    }

    [Fact]
    public async Task The_fleet_page_in_chromium_shows_a_store_going_offline_first_and_back_online()
    {
        var agents = await StartAgentsAsync();
        using var stop = new CancellationTokenSource();
        using var stopD = new CancellationTokenSource();
        var loops = agents.Select((a, i) => a.RunAsync(FleetLinkCluster.SnapshotInterval, 30, a.StoreId == "store-c" ? 0.5 : 0.03, 5,
            a.StoreId == "store-d" ? stopD.Token : stop.Token)).ToList();
        try
        {
            await using var chromium = await HeadlessChromium.LaunchAsync();
            var page = await chromium.Browser.NewPageAsync();
            var silo = fleet.LiveHttpEndpoints[^1];
            await page.GotoAsync(silo.ToString());
            await page.FillAsync("#token", FleetLinkCluster.ApiToken);
            await page.ClickAsync("#login button");
            await page.WaitForFunctionAsync(
                "() => document.querySelectorAll('#stores tbody tr[data-state=online]').length === 4", null, new() { Timeout = 60_000 });

            // Nothing offline: the store out of band comes first.
            Assert.Equal("store-c", await page.EvalOnSelectorAsync<string>("#stores tbody tr", "r => r.dataset.store"));

            await stopD.CancelAsync();
            await loops[3];
            var silent = agents[3].LastSent;
            await page.WaitForFunctionAsync(
                "() => { const r = document.querySelector('#stores tbody tr'); return r && r.dataset.store === 'store-d' && r.dataset.state === 'offline'; }",
                null, new() { Timeout = 60_000, PollingInterval = 50 });
            var shown = TimeProvider.System.GetElapsedTime(silent);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"store-d's last snapshot to its row offline first on the page: {shown.TotalSeconds:F2} s (offline after {FleetLinkCluster.OfflineAfterIntervals} x {FleetLinkCluster.SnapshotInterval.TotalSeconds} s, page refresh {FleetLinkCluster.PageRefresh.TotalSeconds} s)"));
            Assert.Equal("offline", await page.TextContentAsync("#stores tbody tr[data-store=store-d] td:nth-child(2)"));
            Assert.Equal("1", await page.TextContentAsync("#count-offline b"));

            // Back: it leaves the top once it speaks again.
            loops[3] = agents[3].RunAsync(FleetLinkCluster.SnapshotInterval, 30, 0.03, 5, stop.Token);
            await page.WaitForFunctionAsync(
                "() => document.querySelector('#stores tbody tr[data-store=store-d]').dataset.state === 'online'", null, new() { Timeout = 60_000 });
            Assert.Equal("store-c", await page.EvalOnSelectorAsync<string>("#stores tbody tr", "r => r.dataset.store"));
        }
        finally
        {
            await stop.CancelAsync();
            await stopD.CancelAsync();
            await Task.WhenAll(loops);
            await DisposeAllAsync(agents);
        }
    }

    [Fact]
    public async Task Prometheus_scrapes_every_silo_and_every_fleet_dashboard_panel_has_data()
    {
        var silos = fleet.LiveHttpEndpoints;
        var agents = await StartAgentsAsync();
        using var stop = new CancellationTokenSource();
        var loops = agents.Take(3).Select(a => a.RunAsync(FleetLinkCluster.SnapshotInterval, 30, a.StoreId == "store-c" ? 0.5 : 0.03, 5, stop.Token)).ToList();
        try
        {
            // store-d sends once and falls silent, so the offline series have a store in them.
            (await agents[3].SnapshotAsync(10, 0, 5)).Dispose();
            await WaitForStoresAsync(silos[0], s => Store(s, "store-d").GetProperty("state").GetString() == "Offline"
                && Store(s, "store-a").GetProperty("state").GetString() == "Online");

            foreach (var silo in silos)
            {
                var exposition = await _http.GetStringAsync(new Uri(silo, "/metrics"));
                var (exit, lint) = await PrometheusServer.CheckMetricsAsync(exposition);
                Assert.True(exit == 0 && lint.Trim().Length == 0, $"promtool check metrics on {silo}: exit {exit}\n{lint}\n{exposition}");
                Assert.DoesNotContain(FleetLinkCluster.StrangerStore, exposition, StringComparison.Ordinal);
            }

            await using var prometheus = await PrometheusServer.StartAsync("edgeagent-fleet", [.. silos]);
            var queries = DashboardQueries();
            Assert.True(queries.Count >= 12, $"the fleet dashboard has {queries.Count} queries");
            var empty = queries.ToDictionary(q => q.Panel + " / " + q.Expr, _ => "no data yet");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (empty.Count > 0 && DateTime.UtcNow < deadline)
            {
                foreach (var (panel, expr, promql) in queries.Where(q => empty.ContainsKey(q.Panel + " / " + q.Expr)))
                {
                    var (ok, result, error) = await prometheus.QueryAsync(promql);
                    Assert.True(ok, $"panel '{panel}': Prometheus refused '{promql}': {error}");
                    if (result.GetArrayLength() > 0 && result.EnumerateArray().Any(s => s.GetProperty("value")[1].GetString() is not ("NaN" or null)))
                    {
                        empty.Remove(panel + " / " + expr);
                    }
                }

                await Task.Delay(500);
            }

            Assert.True(empty.Count == 0, "panels without data:\n" + string.Join('\n', empty.Keys));

            // The per-store series say what the view says: store-d down, store-c's alert ratio as sent.
            var (_, up, _) = await prometheus.QueryAsync("max by (store) (edgeagent_fleet_store_up)");
            Assert.Equal("0", up.EnumerateArray().Single(s => s.GetProperty("metric").GetProperty("store").GetString() == "store-d").GetProperty("value")[1].GetString());
            var (_, ratio, _) = await prometheus.QueryAsync("max by (store) (edgeagent_fleet_store_alert_ratio{store=\"store-c\"})");
            Assert.Equal(0.5, double.Parse(ratio.EnumerateArray().Single().GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture), 9);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(loops);
            await DisposeAllAsync(agents);
        }
    }

    /// <summary>Every query of the fleet dashboard, with Grafana's variables as when it shows every store.</summary>
    internal static List<(string Panel, string Expr, string PromQl)> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("deployment-manifests/grafana/dashboards/edgeagent-fleet.json")));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t =>
            {
                var expr = t.GetProperty("expr").GetString()!;
                var promql = expr.Replace("$__rate_interval", "20s", StringComparison.Ordinal).Replace("$store", ".+", StringComparison.Ordinal);
                return (p.GetProperty("title").GetString()!, expr, promql);
            }))
            .ToList();
    }

    /// <summary>Runs the fleet program with an operator's command; its exit code and output.</summary>
    private static async Task<(int Code, string Output)> FleetCommandAsync(params string[] arguments)
    {
        var dll = FleetCluster.FleetDll();
        using var process = new ChildProcess("dotnet", [dll, .. arguments], Path.GetDirectoryName(dll)!);
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the command did not end:\n" + process.Output);
        return (process.ExitCode, process.Output);
    }

    private async Task<List<SnapshotAgent>> StartAgentsAsync(TimeProvider? clock = null)
    {
        var agents = FleetLinkCluster.Stores.Select(s => new SnapshotAgent(s, fleet.BrokerPort, "fraud-" + s, clock: clock)).ToList();
        try
        {
            await Task.WhenAll(agents.Select(a => a.StartAsync()));
            return agents;
        }
        catch
        {
            await DisposeAllAsync(agents);
            throw;
        }
    }

    private static async Task DisposeAllAsync(IEnumerable<SnapshotAgent> agents)
    {
        foreach (var agent in agents)
        {
            await agent.DisposeAsync();
        }
    }

    private static JsonElement Store(JsonElement stores, string id) =>
        stores.EnumerateArray().Single(s => s.GetProperty("storeId").GetString() == id);

    /// <summary>The store's last snapshot in the view, or null while it has none.</summary>
    private static JsonElement? LastOf(JsonElement stores, string id) =>
        Store(stores, id).TryGetProperty("last", out var last) && last.ValueKind == JsonValueKind.Object ? last : null;

    private async Task<JsonDocument> GetJsonAsync(Uri uri)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FleetLinkCluster.ApiToken);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>The silo's store list once <paramref name="ready"/> holds for it.</summary>
    private async Task<JsonElement> WaitForStoresAsync(Uri silo, Func<JsonElement, bool> ready)
    {
        var deadline = DateTime.UtcNow + Patience;
        var last = "";
        while (true)
        {
            using var stores = await GetJsonAsync(new Uri(silo, "/api/stores"));
            last = stores.RootElement.GetRawText();
            if (ready(stores.RootElement))
            {
                return stores.RootElement.Clone();
            }

            Assert.True(DateTime.UtcNow < deadline, $"the view on {silo} did not come to the expected state:\n{last}");
            await Task.Delay(100);
        }
    }

    /// <summary>The sum over the silos of a counter's series (every label value).</summary>
    private async Task<double> SumAsync(IEnumerable<Uri> silos, string name, string? label = null)
    {
        var sum = 0.0;
        foreach (var silo in silos)
        {
            var text = await _http.GetStringAsync(new Uri(silo, "/metrics"));
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith(name, StringComparison.Ordinal) && (label is null || line.Contains(label, StringComparison.Ordinal)))
                {
                    sum += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
                }
            }
        }

        return sum;
    }

    /// <summary>Does the refusal and waits until exactly one more of <paramref name="reason"/> is counted across the silos.</summary>
    private async Task AssertRefusedAsync(IReadOnlyList<Uri> silos, string reason, Func<Task> act)
    {
        var label = $"reason=\"{reason}\"";
        var before = await SumAsync(silos, "edgeagent_fleet_snapshot_refusals_total", label);
        await act();
        var deadline = DateTime.UtcNow + Patience;
        double now;
        while ((now = await SumAsync(silos, "edgeagent_fleet_snapshot_refusals_total", label)) < before + 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(before + 1, now);
    }

    private async Task<IMqttClient> RawClientAsync(string store)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", fleet.BrokerPort)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(store + "-raw")
            .WithCredentials(store, UplinkBroker.PasswordOf(store))
            .Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static async Task PublishAsync(IMqttClient client, string topic, byte[] payload)
    {
        var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
    }
}
