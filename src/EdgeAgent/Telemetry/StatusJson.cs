using System.Text.Json;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Telemetry;

/// <summary>The agent's state as JSON (<c>GET /status</c>): model and provider, transport, counts, stage latencies.</summary>
public static class StatusJson
{
    public static byte[] Write(AgentStatus status)
    {
        var metrics = status.Metrics;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("version", AgentStatus.Version);
            json.WriteString("mode", status.Mode);
            json.WriteString("startedAt", status.StartedAt);
            json.WriteNumber("uptimeSeconds", Math.Round(status.Uptime.TotalSeconds, 1));
            json.WriteBoolean("ready", status.IsReady);
            if (status.Fault is { } fault)
            {
                json.WriteString("fault", fault);
            }

            json.WriteStartObject("ingest");
            json.WriteString("transport", status.Ingest.Description);
            json.WriteBoolean("connected", status.Ingest.IsConnected);
            json.WriteEndObject();

            if (status.Model is { } model)
            {
                json.WriteStartObject("model");
                json.WriteString("name", model.Model.Name);
                json.WriteString("version", model.Model.Version);
                json.WriteString("kind", model.Card.Kind);
                json.WriteString("sha256", model.Card.Sha256);
                json.WriteString("provider", model.Provider.Name);
                json.WriteString("providerReason", model.Provider.Reason);
                if (model.Provider.Placement is { } placement)
                {
                    json.WriteString("placement", placement);
                }

                json.WriteNumber("reviewThreshold", model.Thresholds.Review);
                json.WriteNumber("declineThreshold", model.Thresholds.Decline);
                if (status.Registry is { } registry)
                {
                    json.WriteNumber("swaps", registry.Swaps);
                    json.WriteNumber("refusedSwaps", registry.Refusals);
                }

                if (status.Shadow is { } shadow)
                {
                    json.WriteStartObject("shadow");
                    json.WriteString("model", shadow.Model.ToString());
                    json.WriteNumber("rows", metrics.ShadowRows);
                    json.WriteNumber("agreement", metrics.ShadowRows == 0 ? 0 : Math.Round((double)metrics.ShadowAgreements / metrics.ShadowRows, 5));
                    json.WriteNumber("errors", metrics.ShadowErrors);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteStartObject("payments");
            json.WriteNumber("received", metrics.Received);
            json.WriteNumber("scored", metrics.Scored);
            json.WriteNumber("rejected", metrics.Rejected);
            json.WriteNumber("duplicates", metrics.Duplicates);
            json.WriteNumber("acknowledged", metrics.Acknowledged);
            json.WriteNumber("inFlight", metrics.InFlight);
            json.WriteNumber("queued", status.Pipeline?.QueuedMessages ?? 0);
            json.WriteNumber("cardsInMemory", status.Pipeline?.CardsInMemory ?? 0);
            json.WriteNumber("averageBatch", metrics.InferenceBatches == 0 ? 0 : Math.Round((double)metrics.InferenceRows / metrics.InferenceBatches, 2));
            json.WriteStartObject("decisions");
            foreach (var decision in Enum.GetValues<Decision>())
            {
                json.WriteNumber(Core.Pipeline.AnswerWriter.DecisionName(decision), metrics.DecisionCount(decision));
            }

            json.WriteEndObject();
            json.WriteStartObject("rejections");
            foreach (var (code, count) in metrics.RejectionsByCode())
            {
                if (count > 0)
                {
                    json.WriteNumber(code, count);
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();

            var usage = ResourceUsage.Now();
            json.WriteStartObject("resources");
            json.WriteNumber("cpuSeconds", Math.Round(usage.CpuSeconds, 3));
            json.WriteNumber("workingSetBytes", usage.WorkingSetBytes);
            json.WriteNumber("managedHeapBytes", usage.ManagedHeapBytes);
            json.WriteNumber("gen0Collections", usage.Gen0Collections);
            json.WriteNumber("gen1Collections", usage.Gen1Collections);
            json.WriteNumber("gen2Collections", usage.Gen2Collections);
            json.WriteNumber("gcPauseSeconds", Math.Round(usage.GcPauseSeconds, 4));
            json.WriteNumber("threadPoolThreads", usage.ThreadPoolThreads);
            json.WriteEndObject();

            if (status.Cloud is { Enabled: true } cloud)
            {
                json.WriteString("cloudTarget", cloud.Target);
                Cloud.Telemetry.CloudStatusJson.WriteBuffer(json, cloud, "cloud");
            }

            json.WriteStartObject("latencyMs");
            foreach (var stage in Enum.GetValues<PipelineStage>())
            {
                var snapshot = metrics.Stage(stage).Snapshot();
                json.WriteStartObject(PipelineStageNames.Of(stage));
                json.WriteNumber("count", snapshot.Count);
                json.WriteNumber("p50", Math.Round(snapshot.Percentile(0.5) / 1000, 3));
                json.WriteNumber("p99", Math.Round(snapshot.Percentile(0.99) / 1000, 3));
                json.WriteNumber("max", Math.Round(snapshot.MaxMicros / 1000.0, 3));
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
