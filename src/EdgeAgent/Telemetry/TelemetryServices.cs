using System.Diagnostics.Metrics;
using EdgeAgent.Core.Health;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace EdgeAgent.Telemetry;

/// <summary>
/// Metrics and health: the instruments of the <see cref="AgentMeter"/> meter exported at <c>/metrics</c> by the
/// OpenTelemetry Prometheus exporter (and pushed over OTLP when <c>Telemetry:OtlpEndpoint</c> is set), the
/// runtime's own meter beside them, health checks for <c>/health/live</c> and <c>/health/ready</c>.
/// </summary>
public static class TelemetryServices
{
    /// <summary>The runtime's built-in meter: CPU time, memory, GC, thread pool (<c>dotnet_*</c> series).</summary>
    public const string RuntimeMeter = "System.Runtime";

    public static IServiceCollection AddAgentTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();

        // Which meters reach the exporters is decided here, not by the exporter: the agent's meter only as this
        // host's IMeterFactory made it (MeterScope.Local), so two agents in one process each export their own counts.
        services.AddMetrics(metrics => metrics
            .EnableMetrics(AgentMeter.Name, scopes: MeterScope.Local)
            .EnableMetrics(RuntimeMeter, scopes: MeterScope.Global));
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("edgeagent", serviceVersion: AgentStatus.Version, autoGenerateServiceInstanceId: false))
            .WithMetrics(metrics =>
            {
                // Scrapes are rare (every 15 s or so) and must show what happened just before them.
                metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);

                // One view for every instrument (two matching views would export an instrument twice).
                metrics.AddView(StreamOf);
                if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
                {
                    metrics.AddOtlpExporter((exporter, reader) =>
                    {
                        exporter.Endpoint = new Uri(options.OtlpEndpoint);
                        exporter.Protocol = options.OtlpProtocol == OtlpTransport.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.OtlpIntervalSeconds * 1000;
                    });
                }
            });

        services.TryAddSingleton<ReadinessGate>();
        services.TryAddSingleton<IReadinessGate>(sp => sp.GetRequiredService<ReadinessGate>());
        services.TryAddSingleton<IControlPlaneAccess, NoControlPlaneAccess>();
        services.AddSingleton<AgentInstruments>();
        services.AddHostedService<TelemetryStartup>();
        services.AddSingleton<StatusHistory>();
        services.AddHostedService(sp => sp.GetRequiredService<StatusHistory>());
        services.AddAgentHealthChecks();
        return services;
    }

    /// <summary>
    /// Series kept per metric. OpenTelemetry reserves a point for each series it may keep when the metric is created
    /// (2,000 by default: 11 MB of large objects over the agent's 65 metrics, a twentieth of its working set under
    /// load); the agent's tags are closed lists (reasons, outcomes, models, GC generations), the longest under twenty
    /// values. A series past the limit is not lost: it is added to the metric's series labelled <c>otel_metric_overflow</c>.
    /// </summary>
    public const int SeriesPerMetric = 200;

    private static MetricStreamConfiguration StreamOf(Instrument instrument) => instrument.Name switch
    {
        // The runtime names three gauges "*.count", a suffix Prometheus keeps for a histogram's or summary's count:
        // promtool check metrics refuses them, and a dashboard would read them as one.
        "dotnet.assembly.count" => new MetricStreamConfiguration { Name = "dotnet.assemblies.loaded", CardinalityLimit = SeriesPerMetric },
        "dotnet.process.cpu.count" => new MetricStreamConfiguration { Name = "dotnet.process.cpus", CardinalityLimit = SeriesPerMetric },
        "dotnet.timer.count" => new MetricStreamConfiguration { Name = "dotnet.timers.active", CardinalityLimit = SeriesPerMetric },
        _ => new MetricStreamConfiguration { CardinalityLimit = SeriesPerMetric },
    };
}
