using System.Text.Json;

namespace EdgeAgent.Simulator;

/// <summary>A <see cref="LoadReport"/> as JSON, for benchmark scripts that compare runs.</summary>
public static class LoadReportJson
{
    private static readonly double[] DistributionQuantiles =
        [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999, 0.9995, 0.9999, 1.0];

    public static string Write(LoadReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("mode", report.Mode.ToString().ToLowerInvariant());
            json.WriteNumber("load", report.Load);
            json.WriteNumber("sent", report.Sent);
            json.WriteNumber("answered", report.Answered);
            json.WriteNumber("lost", report.Lost);
            json.WriteNumber("publishFailures", report.PublishFailures);
            json.WriteNumber("seconds", Math.Round(report.Seconds, 3));
            json.WriteNumber("throughput", Math.Round(report.Throughput, 1));
            json.WriteStartObject("latencyMs");
            foreach (var (name, q) in new[] { ("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p999", 0.999) })
            {
                json.WriteNumber(name, Math.Round(report.Latency.Percentile(q) / 1000, 3));
            }

            json.WriteNumber("max", Math.Round(report.Latency.MaxMicros / 1000.0, 3));
            json.WriteEndObject();

            // The whole distribution, for charts: the latency at each quantile, denser in the tail.
            json.WriteStartArray("latencyQuantilesMs");
            foreach (var q in DistributionQuantiles)
            {
                json.WriteStartArray();
                json.WriteNumberValue(q);
                json.WriteNumberValue(Math.Round(report.Latency.Percentile(q) / 1000, 3));
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartObject("decisions");
            foreach (var (decision, count) in report.Decisions.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                json.WriteNumber(decision, count);
            }

            json.WriteEndObject();
            json.WriteNumber("rejected", report.Rejected);
            json.WriteNumber("labelledFraud", report.LabelledFraud);
            json.WriteNumber("fraudCaught", report.FraudCaught);
            json.WriteNumber("alertRate", Math.Round(report.AlertRate, 5));
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
