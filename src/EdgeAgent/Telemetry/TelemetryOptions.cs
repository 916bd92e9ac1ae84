using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Telemetry;

/// <summary>Metric export beyond the <c>/metrics</c> endpoint (configuration section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// An OpenTelemetry collector to push the metrics to over OTLP, e.g. <c>http://collector:4317</c>. Unset
    /// (default): no push; <c>/metrics</c> is always served for Prometheus to scrape. Setting it is all it takes to
    /// turn the push on, for sites that run a collector rather than a Prometheus.
    /// </summary>
    [Url]
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>Grpc</c> (default, the collector's port 4317) or <c>HttpProtobuf</c> (port 4318, path <c>/v1/metrics</c>).</summary>
    public OtlpTransport OtlpProtocol { get; set; } = OtlpTransport.Grpc;

    /// <summary>Seconds between OTLP pushes. Default 30: a dashboard's resolution, without a request a second.</summary>
    [Range(1, 3600)]
    public int OtlpIntervalSeconds { get; set; } = 30;

    /// <summary>
    /// Seconds per point of the status page's charts (throughput, p99 latency, alert rate); 120 points are kept, ten
    /// minutes at the default 5.
    /// </summary>
    [Range(1, 60)]
    public int ChartIntervalSeconds { get; set; } = 5;
}
