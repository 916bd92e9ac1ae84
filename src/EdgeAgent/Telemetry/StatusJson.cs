using System.Text.Json;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Telemetry;

/// <summary>
/// The agent's state as JSON (<c>GET /status</c>, and what the status page shows): model and provider and why,
/// transport, counts, readiness and its reasons, stage latencies, the last rejections, the uplink. Every figure is
/// read from the instruments through the host's reader. Anyone on the LAN may ask, so it holds no key and no card
/// data; what would help an attacker (decision thresholds, broker client ids, fault messages) is written only for
/// an authenticated operator (the operator view).
/// </summary>
public static class StatusJson
{
    public static byte[] Write(AgentStatus status, bool operatorView, StatusCharts? charts = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        var metrics = status.Metrics;
        metrics.Reader.Observe();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("version", AgentStatus.Version);
            json.WriteString("mode", status.Mode);
            json.WriteString("startedAt", status.StartedAt);
            json.WriteNumber("uptimeSeconds", Math.Round(status.Uptime.TotalSeconds, 3));
            json.WriteBoolean("ready", status.IsReady);
            json.WriteStartArray("notReady");
            foreach (var reason in status.NotReadyReasons())
            {
                json.WriteStringValue(reason);
            }

            json.WriteEndArray();
            json.WriteBoolean("operatorView", operatorView);
            if (operatorView && status.Fault is { } fault)
            {
                json.WriteString("fault", fault);
            }

            json.WriteStartObject("ingest");
            json.WriteString("transport", operatorView ? status.Ingest.Description
                : status.Ingest is Mqtt.Embedded.EmbeddedBrokerIngest or Mqtt.Intercepted.InterceptedBrokerIngest ? "embedded broker" : "external broker");
            json.WriteBoolean("connected", status.Ingest.IsConnected);
            json.WriteEndObject();

            WriteModel(json, status, operatorView);
            WritePayments(json, status);
            StatusJsonSections.WriteResources(json);
            if (status.Cloud is { Enabled: true } cloud)
            {
                if (operatorView)
                {
                    json.WriteString("cloudTarget", cloud.Target);
                }

                Cloud.Telemetry.CloudStatusJson.WriteBuffer(json, cloud, "cloud");
            }

            StatusJsonSections.WriteLatencies(json, metrics);
            StatusJsonSections.WriteRecentRejections(json, metrics.RecentRejections);
            StatusJsonSections.WriteOtherInstruments(json, metrics.Reader);
            if (charts is not null)
            {
                json.WritePropertyName("charts");
                JsonSerializer.Serialize(json, charts, HttpJson.Default.StatusCharts);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteModel(Utf8JsonWriter json, AgentStatus status, bool operatorView)
    {
        if (status.Model is not { } model)
        {
            return;
        }

        var metrics = status.Metrics;
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

        if (operatorView)
        {
            json.WriteNumber("reviewThreshold", model.Thresholds.Review);
            json.WriteNumber("declineThreshold", model.Thresholds.Decline);
        }

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

    private static void WritePayments(Utf8JsonWriter json, AgentStatus status)
    {
        var metrics = status.Metrics;
        json.WriteStartObject("payments");
        json.WriteNumber("received", metrics.Received);
        json.WriteNumber("scored", metrics.Scored);
        json.WriteNumber("rejected", metrics.Rejected);
        json.WriteNumber("duplicates", metrics.Duplicates);
        json.WriteNumber("acknowledged", metrics.Acknowledged);
        json.WriteNumber("inFlight", metrics.InFlight);
        json.WriteNumber("queued", status.Pipeline?.QueuedMessages ?? 0);
        json.WriteNumber("cardsInMemory", status.Pipeline?.CardsInMemory ?? 0);
        json.WriteNumber("answersPublished", metrics.AnswersPublished);
        json.WriteNumber("answerFailures", metrics.AnswerFailures);
        json.WriteNumber("modelErrors", metrics.ModelErrors);
        json.WriteNumber("persistFailures", metrics.PersistFailures);
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
    }
}
