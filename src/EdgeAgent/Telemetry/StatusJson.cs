using System.Text.Json;
using EdgeAgent.Cloud.Telemetry;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Telemetry.Readback;

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
    /// <summary>Instruments /status already shows in its own sections; any other on the meter goes to <c>instruments</c>.</summary>
    private static readonly HashSet<string> Shown = new(
        typeof(MetricNames).GetFields().Concat(typeof(AgentInstruments).GetFields()).Concat(typeof(Onnx.ModelRefusals).GetFields()).Concat(typeof(CloudInstruments).GetFields())
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!),
        StringComparer.Ordinal);

    public static byte[] Write(AgentStatus status, bool operatorView, StatusCharts? charts = null) =>
        JsonSerializer.SerializeToUtf8Bytes(Document(status, operatorView, charts), HttpJson.Default.StatusDocument);

    public static StatusDocument Document(AgentStatus status, bool operatorView, StatusCharts? charts = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        var readings = status.Readings;
        readings.Reader.Observe();
        var state = status.State;
        var cloud = status.Cloud is { Enabled: true } link ? link : null;
        return new StatusDocument(
            AgentStatus.Version,
            state.Mode,
            status.StartedAt,
            Math.Round(status.Uptime.TotalSeconds, 3),
            status.IsReady,
            status.NotReadyReasons(),
            operatorView,
            operatorView ? state.Fault : null,
            new IngestStatus(
                operatorView ? status.Ingest.Description : status.EmbeddedBroker ? "embedded broker" : "external broker",
                status.Ingest.IsConnected),
            Model(status, operatorView),
            Payments(status),
            Resources(),
            operatorView ? cloud?.Target : null,
            cloud is null ? null : CloudBufferState.Of(cloud),
            Fleet(status),
            Enum.GetValues<PipelineStage>().ToDictionary(PipelineStageNames.Of, stage => Latency(readings.Stage(stage))),
            [.. status.Metrics.RecentRejections.Latest().Select(r => new RejectionStatus(r.Code, r.StoreId, r.TerminalId, r.At))],
            OtherInstruments(readings.Reader),
            charts);
    }

    private static FleetStatus? Fleet(AgentStatus status) => status.Fleet is { Link: { } link, Outbox: { } outbox }
        ? new FleetStatus(link.IsUp, link.ProfileAge is { } age ? Math.Round(age.TotalSeconds, 3) : null, link.Outbox, outbox.RecordBehind,
            link.ProfilesFetched, link.ProfilesPushed, link.FetchMisses)
        : null;

    private static ModelStatus? Model(AgentStatus status, bool operatorView)
    {
        if (status.Model is not { } model)
        {
            return null;
        }

        var readings = status.Readings;
        var shadow = status.Shadow is { } other
            ? new ShadowStatus(other.Model.ToString(), readings.ShadowRows,
                readings.ShadowRows == 0 ? 0 : Math.Round((double)readings.ShadowAgreements / readings.ShadowRows, 5), readings.ShadowErrors)
            : null;
        return new ModelStatus(
            model.Model.Name,
            model.Model.Version,
            model.Card.Kind,
            model.Card.Sha256,
            model.Provider.Name,
            model.Provider.Reason,
            model.Provider.Placement,
            operatorView ? model.Thresholds.Review : null,
            operatorView ? model.Thresholds.Decline : null,
            status.Registry?.Swaps,
            status.Registry?.Refusals,
            shadow,
            model.Card.Signature?.KeyId,
            status.Registry is { } registry
                ? ModelRefusalReasons.All.Select(r => (r, registry.Refused.Count(r))).Where(r => r.Item2 > 0).ToDictionary(r => r.r, r => r.Item2)
                : null,
            status.Registry?.LastRefusal is { } last
                ? new ModelRefusalStatus(last.Model, last.Reason, last.At, operatorView ? last.Detail : null)
                : null);
    }

    private static PaymentCounts Payments(AgentStatus status)
    {
        var readings = status.Readings;
        return new PaymentCounts(
            readings.Received,
            readings.Scored,
            readings.Rejected,
            readings.Duplicates,
            readings.Acknowledged,
            readings.InFlight,
            status.Pipeline?.QueuedMessages ?? 0,
            status.Pipeline?.CardsInMemory ?? 0,
            readings.AnswersPublished,
            readings.AnswerFailures,
            readings.ModelErrors,
            readings.PersistFailures,
            readings.InferenceBatches == 0 ? 0 : Math.Round((double)readings.InferenceRows / readings.InferenceBatches, 2),
            Enum.GetValues<Decision>().ToDictionary(Core.Pipeline.AnswerWriter.DecisionName, readings.DecisionCount),
            readings.RejectionsByCode().Where(r => r.Value > 0).ToDictionary());
    }

    private static StageLatency Latency(HistogramSnapshot snapshot) => new(
        snapshot.Count,
        Math.Round(snapshot.Percentile(0.5) / 1000, 3),
        Math.Round(snapshot.Percentile(0.9) / 1000, 3),
        Math.Round(snapshot.Percentile(0.99) / 1000, 3),
        Math.Round(snapshot.MaxMicros / 1000.0, 3));

    private static ResourceUsage Resources()
    {
        var usage = ResourceUsage.Now();
        return usage with { CpuSeconds = Math.Round(usage.CpuSeconds, 3), GcPauseSeconds = Math.Round(usage.GcPauseSeconds, 4) };
    }

    /// <summary>Instruments other components added to the meter (a drift monitor's, say), each series with its tags.</summary>
    private static Dictionary<string, InstrumentStatus> OtherInstruments(MeterReader reader) =>
        reader.Instruments.Where(n => !Shown.Contains(n)).Order(StringComparer.Ordinal).ToDictionary(name => name, name =>
        {
            var instrument = reader.Instrument(name)!;
            var histogram = instrument.Kind == InstrumentKind.Histogram;
            return new InstrumentStatus(
                instrument.Kind.ToString().ToLowerInvariant(),
                instrument.Unit,
                [.. instrument.Series.Select(series => new SeriesStatus(
                    series.Tags.ToDictionary(),
                    histogram ? Math.Round(series.Value, 6) : null,
                    histogram ? null : Math.Round(series.Value, 6),
                    histogram ? series.Count : null))]);
        });
}
