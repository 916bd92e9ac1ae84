using System.Diagnostics.Metrics;
using System.Text.Json;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.IntegrationTests.Telemetry;

/// <summary>
/// The Grafana dashboard against a real Prometheus: the agent (with a cloud uplink and a shadow model, so that those
/// series exist) takes payments, Prometheus scrapes it every second, and every query of every panel returns data.
/// The drift panel reads a series the drift monitor publishes; a stand-in gauge of the same name takes its place here.
/// </summary>
public sealed class DashboardTests(MosquittoBroker broker) : IClassFixture<MosquittoBroker>, IDisposable
{
    private const string DashboardFile = "deployment-manifests/grafana/dashboards/edgeagent.json";

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task RepositoryPrometheusConfiguration_PassesPromtool()
    {
        // The compose rig mounts alerts.yml at /etc/prometheus; promtool resolves rule files from the config's folder.
        using var folder = new TempDirectory();
        var config = await File.ReadAllTextAsync(Repository.PathOf("deployment-manifests/prometheus/prometheus.yml"));
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "prometheus.yml"), config.Replace("/etc/prometheus/alerts.yml", "alerts.yml", StringComparison.Ordinal));
        File.Copy(Repository.PathOf("deployment-manifests/prometheus/alerts.yml"), Path.Combine(folder.Path, "alerts.yml"));

        var (exit, output) = await PrometheusServer.CheckConfigAsync(Path.Combine(folder.Path, "prometheus.yml"));

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS: 6 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryPanelQuery_ReturnsData_FromAPrometheusScrapingTheAgentUnderLoad()
    {
        var queries = PanelQueries();
        Assert.True(queries.Count >= 20, $"the dashboard has {queries.Count} queries");
        await using var agent = await InProcessAgent.StartAsync(_data.Path, "Mqtt:Host=127.0.0.1", $"Mqtt:Port={broker.Port}",
            "Mqtt:ClientId=dash-" + Guid.NewGuid().ToString("N")[..8], "Mqtt:SharedGroup=dash" + Guid.NewGuid().ToString("N")[..6],
            "Inference:Provider=Cpu", "Inference:ShadowModel=fraud-mlp-1.0.0",
            "Cloud:Transport=Mqtt", "Cloud:Host=127.0.0.1", $"Cloud:Port={broker.Port}", "Cloud:ClientId=dash-up-" + Guid.NewGuid().ToString("N")[..8]);
        var meter = agent.Services.GetRequiredService<IMeterFactory>().Create(AgentMeter.Name);
        meter.CreateObservableGauge("edgeagent.model.drift.psi", () => new Measurement<double>(0.04, new KeyValuePair<string, object?>("feature", "amount")));
        await using var prometheus = await PrometheusServer.StartAsync("edgeagent", new Uri(agent.BaseUrl));

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var load = LoadAsync(broker.Port, stop.Token);
        var empty = queries.ToDictionary(q => q.Panel + " / " + q.Expr, q => "no data yet");
        while (empty.Count > 0 && !stop.IsCancellationRequested)
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

        await stop.CancelAsync();
        var sent = await load;
        Assert.True(empty.Count == 0, $"after {sent} payments, panels without data:\n" + string.Join('\n', empty.Keys));
    }

    /// <summary>Every query of the dashboard, with Grafana's variables as a dashboard showing all agents sets them.</summary>
    private static List<(string Panel, string Expr, string PromQl)> PanelQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Repository.PathOf(DashboardFile)));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t =>
            {
                var expr = t.GetProperty("expr").GetString()!;
                var promql = expr.Replace("$__rate_interval", "20s", StringComparison.Ordinal).Replace("$instance", ".+", StringComparison.Ordinal);
                return (p.GetProperty("title").GetString()!, expr, promql);
            }))
            .ToList();
    }

    /// <summary>Payments one after another (a few rejected ones among them) until cancelled.</summary>
    private static async Task<int> LoadAsync(int port, CancellationToken cancellationToken)
    {
        await using var terminal = await TestTerminal.ConnectAsync(port);
        var sent = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested && sent < 10_000)
            {
                var payload = sent % 25 == 7 ? "{}"u8.ToArray() : Payloads.Payment("dash-" + sent, 5m + (sent % 50 * 41));
                await terminal.RequestAsync(Payloads.Topic("store-d", "t" + (sent % 4)), payload).WaitAsync(cancellationToken);
                sent++;
                await Task.Delay(4, cancellationToken); // a steady trickle, not a benchmark
            }
        }
        catch (OperationCanceledException)
        {
        }

        return sent;
    }
}
