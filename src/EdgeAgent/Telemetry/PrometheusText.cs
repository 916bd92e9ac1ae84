using System.Globalization;
using System.Text;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Telemetry;

/// <summary>
/// The agent's metrics in the Prometheus text format (<c>GET /metrics</c>). Stage latencies are cumulative
/// histograms; counters follow Triton's vocabulary where it applies (exec count vs inference count).
/// </summary>
public static class PrometheusText
{
    private static readonly double[] BucketBoundsSeconds =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    public static string Write(AgentStatus status)
    {
        var metrics = status.Metrics;
        var text = new StringBuilder(8192);
        Counter(text, "edgeagent_payments_received_total", "Messages received from terminals.", metrics.Received);
        text.AppendLine("# HELP edgeagent_payments_scored_total Payments scored, by decision.");
        text.AppendLine("# TYPE edgeagent_payments_scored_total counter");
        foreach (var decision in Enum.GetValues<Decision>())
        {
            Sample(text, "edgeagent_payments_scored_total", $"decision=\"{Core.Pipeline.AnswerWriter.DecisionName(decision)}\"", metrics.DecisionCount(decision));
        }

        text.AppendLine("# HELP edgeagent_payments_rejected_total Payments rejected, by reason code (a payload counts once per distinct code).");
        text.AppendLine("# TYPE edgeagent_payments_rejected_total counter");
        foreach (var (code, count) in metrics.RejectionsByCode())
        {
            Sample(text, "edgeagent_payments_rejected_total", $"code=\"{code}\"", count);
        }

        Counter(text, "edgeagent_payments_duplicate_total", "Retries and redeliveries answered from the record.", metrics.Duplicates);
        Counter(text, "edgeagent_messages_acknowledged_total", "Messages acknowledged to the broker after their outcome was recorded.", metrics.Acknowledged);
        Counter(text, "edgeagent_answers_published_total", "Answers the broker took.", metrics.AnswersPublished);
        Counter(text, "edgeagent_answer_failures_total", "Answers that could not be published.", metrics.AnswerFailures);
        Counter(text, "edgeagent_model_errors_total", "Batches the model failed on (answered with the fallback decision).", metrics.ModelErrors);
        Counter(text, "edgeagent_persist_failures_total", "Failed commits (retried; nothing acknowledged meanwhile).", metrics.PersistFailures);
        Counter(text, "edgeagent_inference_exec_total", "Model runs.", metrics.InferenceBatches);
        Counter(text, "edgeagent_inference_rows_total", "Rows scored; divided by runs, the average batch size.", metrics.InferenceRows);
        Gauge(text, "edgeagent_in_flight", "Messages received and not yet acknowledged.", metrics.InFlight);
        Gauge(text, "edgeagent_queue_depth", "Messages waiting for the scoring loop.", status.Pipeline?.QueuedMessages ?? 0);
        Gauge(text, "edgeagent_ready", "1 when the agent takes payments.", status.IsReady ? 1 : 0);
        if (status.Model is { } model)
        {
            text.AppendLine("# HELP edgeagent_model_info The active model and its execution provider.");
            text.AppendLine("# TYPE edgeagent_model_info gauge");
            Sample(text, "edgeagent_model_info", $"name=\"{model.Model.Name}\",version=\"{model.Model.Version}\",provider=\"{model.Provider.Name}\"", 1);
        }

        if (status.Cloud is { Enabled: true } cloud)
        {
            CloudMetrics(text, cloud);
        }

        var usage = ResourceUsage.Now();
        text.Append(CultureInfo.InvariantCulture, $"# HELP process_cpu_seconds_total CPU time of the agent process.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total {usage.CpuSeconds}\n");
        Gauge(text, "process_working_set_bytes", "Resident memory of the agent process.", usage.WorkingSetBytes);
        Gauge(text, "dotnet_gc_heap_bytes", "Managed heap in use.", usage.ManagedHeapBytes);
        text.AppendLine("# HELP dotnet_gc_collections_total Garbage collections by generation.");
        text.AppendLine("# TYPE dotnet_gc_collections_total counter");
        Sample(text, "dotnet_gc_collections_total", "generation=\"0\"", usage.Gen0Collections);
        Sample(text, "dotnet_gc_collections_total", "generation=\"1\"", usage.Gen1Collections);
        Sample(text, "dotnet_gc_collections_total", "generation=\"2\"", usage.Gen2Collections);
        text.Append(CultureInfo.InvariantCulture, $"# HELP dotnet_gc_pause_seconds_total Time the runtime paused for garbage collection.\n# TYPE dotnet_gc_pause_seconds_total counter\ndotnet_gc_pause_seconds_total {usage.GcPauseSeconds}\n");

        if (status.Registry is { } registry)
        {
            Counter(text, "edgeagent_model_swaps_total", "Model switches (file change, command, twin).", registry.Swaps);
            Counter(text, "edgeagent_model_swap_refusals_total", "Model switches refused: the model failed its checks; the active one stayed.", registry.Refusals);
        }

        if (status.Shadow is not null)
        {
            Counter(text, "edgeagent_shadow_rows_total", "Payments the shadow model scored.", metrics.ShadowRows);
            Counter(text, "edgeagent_shadow_agreements_total", "Payments where the shadow model would have decided as the live one.", metrics.ShadowAgreements);
            Counter(text, "edgeagent_shadow_errors_total", "Batches the shadow model failed on.", metrics.ShadowErrors);
        }

        text.AppendLine("# HELP edgeagent_stage_duration_seconds Time spent per pipeline stage (per message, or per batch for inference, answer, queue and persist).");
        text.AppendLine("# TYPE edgeagent_stage_duration_seconds histogram");
        foreach (var stage in Enum.GetValues<PipelineStage>())
        {
            Histogram(text, PipelineStageNames.Of(stage), metrics.Stage(stage).Snapshot());
        }

        return text.ToString();
    }

    private static void CloudMetrics(StringBuilder text, Cloud.ICloudStatus cloud)
    {
        Gauge(text, "edgeagent_cloud_connected", "1 while the cloud connection is up.", cloud.Connected ? 1 : 0);
        Gauge(text, "edgeagent_cloud_buffer_bytes", "Unsent data for the cloud, in bytes as it will be sent.", cloud.BufferBytes);
        Gauge(text, "edgeagent_cloud_oldest_unsent_age_seconds", "Age of the oldest unsent item (0 when none).", (long)(cloud.OldestUnsentAge?.TotalSeconds ?? 0));
        Gauge(text, "edgeagent_cloud_last_sync_timestamp_seconds", "When the cloud last acknowledged a message (Unix time; 0 never).", cloud.LastSyncAt?.ToUnixTimeSeconds() ?? 0);
        Counter(text, "edgeagent_cloud_send_failures_total", "Sends that failed and were retried.", cloud.SendFailures);
        var streams = Enum.GetValues<Cloud.CloudStream>();
        text.AppendLine("# HELP edgeagent_cloud_unsent Items waiting for the cloud, by stream.");
        text.AppendLine("# TYPE edgeagent_cloud_unsent gauge");
        foreach (var stream in streams)
        {
            Sample(text, "edgeagent_cloud_unsent", $"stream=\"{Cloud.Transport.CloudMessage.TypeName(stream)}\"", cloud.Stream(stream).Unsent);
        }

        text.AppendLine("# HELP edgeagent_cloud_sent_total Items the cloud acknowledged, by stream.");
        text.AppendLine("# TYPE edgeagent_cloud_sent_total counter");
        foreach (var stream in streams)
        {
            Sample(text, "edgeagent_cloud_sent_total", $"stream=\"{Cloud.Transport.CloudMessage.TypeName(stream)}\"", cloud.Stream(stream).SentItems);
        }

        text.AppendLine("# HELP edgeagent_cloud_dropped_total Items dropped unsent, by stream and reason (buffer full, too old).");
        text.AppendLine("# TYPE edgeagent_cloud_dropped_total counter");
        foreach (var stream in streams)
        {
            var s = cloud.Stream(stream);
            var name = Cloud.Transport.CloudMessage.TypeName(stream);
            Sample(text, "edgeagent_cloud_dropped_total", $"stream=\"{name}\",reason=\"full\"", s.DroppedFull);
            Sample(text, "edgeagent_cloud_dropped_total", $"stream=\"{name}\",reason=\"expired\"", s.DroppedExpired);
        }
    }

    private static void Histogram(StringBuilder text, string stage, HistogramSnapshot snapshot)
    {
        foreach (var bound in BucketBoundsSeconds)
        {
            Sample(text, "edgeagent_stage_duration_seconds_bucket",
                $"stage=\"{stage}\",le=\"{bound.ToString(CultureInfo.InvariantCulture)}\"", snapshot.CountAtOrBelow(bound * 1_000_000));
        }

        Sample(text, "edgeagent_stage_duration_seconds_bucket", $"stage=\"{stage}\",le=\"+Inf\"", snapshot.Count);
        text.Append(CultureInfo.InvariantCulture, $"edgeagent_stage_duration_seconds_sum{{stage=\"{stage}\"}} {snapshot.SumMicros / 1_000_000.0}\n");
        Sample(text, "edgeagent_stage_duration_seconds_count", $"stage=\"{stage}\"", snapshot.Count);
    }

    private static void Counter(StringBuilder text, string name, string help, long value)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");
    }

    private static void Gauge(StringBuilder text, string name, string help, long value)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");
    }

    private static void Sample(StringBuilder text, string name, string labels, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {value}\n");
}
