using System.Text.Json.Nodes;
using EdgeAgent.Deployment.Tests.Infrastructure;

namespace EdgeAgent.Deployment.Tests;

/// <summary>
/// How the agent's metrics leave the node: the IoT Edge metrics collector scraping /metrics, the compose rig's
/// Prometheus and Grafana wired to the agent and to each other.
/// </summary>
public class MonitoringManifestTests
{
    private const string Collector = "IoTEdgeMetricsCollector";

    public static TheoryData<string> Manifests() => new(IoTEdgeManifest.Names());

    [Theory]
    [MemberData(nameof(Manifests))]
    public void MetricsCollector_ScrapesTheAgentsMetrics_AndSendsThemUpstream(string name)
    {
        var manifest = IoTEdgeManifest.Load(name);
        var collector = (JsonObject)manifest.Modules[Collector]!;
        var environment = IoTEdgeManifest.Environment(collector);
        var routes = ((JsonObject)manifest.EdgeHubDesired["routes"]!).Select(r => r.Value!["route"]!.GetValue<string>());

        Assert.StartsWith("mcr.microsoft.com/azureiotedge-metrics-collector:", collector["settings"]!["image"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"http://{IoTEdgeManifest.AgentModule}:{Image.HttpPort}/metrics", environment["MetricsEndpointsCSV"].Split(','));
        Assert.Equal("${IOT_HUB_RESOURCE_ID}", environment["ResourceId"]);
        Assert.Equal("IoTMessage", environment["UploadTarget"]);
        Assert.Contains($"FROM /messages/modules/{Collector}/* INTO $upstream", routes);
        Assert.True(collector["startupOrder"]!.GetValue<int>() > manifest.Agent["startupOrder"]!.GetValue<int>(), "the collector starts after the agent");
    }

    [Fact]
    public void RigPrometheus_ScrapesTheAgentService_OnItsHttpPort()
    {
        var config = Yaml.Load("deployment-manifests/prometheus/prometheus.yml")!;
        var job = Assert.Single(config["scrape_configs"]!.AsArray(), j => j!["job_name"]!.GetValue<string>() == "edgeagent")!;
        var target = Assert.Single(job["static_configs"]![0]!["targets"]!.AsArray())!.GetValue<string>();

        Assert.Equal($"agent:{Image.HttpPort}", target);
        Assert.Equal("/metrics", job["metrics_path"]!.GetValue<string>());
    }

    [Fact]
    public void RigGrafana_ProvisionsThePrometheusTheDashboardNames_AndTheDashboardFolder()
    {
        var compose = Yaml.Load("deployment-manifests/compose/docker-compose.yml")!["services"]!;
        var datasource = Yaml.Load("deployment-manifests/grafana/provisioning/datasources/prometheus.yml")!["datasources"]![0]!;
        var provider = Yaml.Load("deployment-manifests/grafana/provisioning/dashboards/edgeagent.yml")!["providers"]![0]!;
        var dashboard = JsonNode.Parse(Repository.Read("deployment-manifests/grafana/dashboards/edgeagent.json"))!;
        var grafanaVolumes = compose["grafana"]!["volumes"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        var prometheusVolumes = compose["prometheus"]!["volumes"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();

        Assert.Equal("http://prometheus:9090", datasource["url"]!.GetValue<string>());
        var uids = dashboard["panels"]!.AsArray().Where(p => p!["datasource"] is not null).Select(p => p!["datasource"]!["uid"]!.GetValue<string>()).Distinct();
        Assert.Equal([datasource["uid"]!.GetValue<string>()], uids);
        Assert.Contains($"../grafana/dashboards:{provider["options"]!["path"]!.GetValue<string>()}:ro", grafanaVolumes);
        Assert.Contains("../grafana/provisioning:/etc/grafana/provisioning:ro", grafanaVolumes);
        Assert.Contains("../prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro", prometheusVolumes);
        Assert.Contains("../prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro", prometheusVolumes);
    }
}
