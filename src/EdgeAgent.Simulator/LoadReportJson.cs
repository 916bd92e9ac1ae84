using System.Text.Json;

namespace EdgeAgent.Simulator;

/// <summary>A <see cref="LoadReport"/> as JSON, for benchmark scripts that compare runs.</summary>
public static class LoadReportJson
{
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
