using EdgeAgent.Cloud;
using EdgeAgent.Cloud.Buffer;
using EdgeAgent.Cloud.Control;
using EdgeAgent.Cloud.IoTHub;
using EdgeAgent.Cloud.Sync;
using EdgeAgent.Cloud.Telemetry;
using EdgeAgent.Cloud.Transport;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Records;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Onnx;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;
using EdgeAgent.Storage.Queues;
using EdgeAgent.Telemetry;
using EdgeAgent.Telemetry.Readback;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Hosting;

/// <summary>
/// The path to the cloud (section <c>Cloud</c>): off by default (<c>Cloud:Transport=None</c>), when the agent runs
/// exactly as without it. Otherwise the buffer lives in the agent's LiteDB file and the sync runs as a hosted service.
/// </summary>
public static class CloudServices
{
    public static IServiceCollection AddCloudSync(this IServiceCollection services)
    {
        services.AddOptions<CloudOptions>().BindConfiguration(CloudOptions.SectionName, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new CloudRuntimeSettings(sp.Value<CloudOptions>()));
        services.AddSingleton<CloudSignals>();
        services.AddSingleton(sp =>
        {
            // The model-control seam when the host has one; else the model the holder scores with.
            var control = sp.GetService<IModelControl>();
            var holder = sp.GetService<ModelHolder>();
            var drift = sp.GetService<Core.Scoring.Drift.DriftMonitor>();
            return new AgentDescription(
                AgentStatus.Version,
                () => control?.Active ?? holder?.Current.Model,
                () => control?.Provider ?? holder?.Current.Provider.Name,
                () => holder?.Current.Thresholds)
            {
                Drift = () => ModelDriftOf(holder, drift),
            };
        });
        services.AddSingleton(sp =>
        {
            // The buffer's collections live in the agent's database file, each reached through it on every operation.
            var file = sp.GetRequiredService<LiteDbFile>();
            var options = sp.Value<CloudOptions>();
            return new CloudBuffer(
                sp.GetRequiredService<IOutcomeLog>(),
                new LiteDbCheckpoints(file, CloudBuffer.StateCollection),
                new LiteDbQueue(file, QueueStream.CollectionName(CloudStream.Alerts)),
                new LiteDbQueue(file, QueueStream.CollectionName(CloudStream.Metrics)),
                SourceName(options),
                options,
                TimeSpan.FromHours(sp.Value<PipelineOptions>().DeduplicationWindowHours),
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<ICloudTransport>(sp =>
        {
            var options = sp.Value<CloudOptions>();
            var time = sp.GetRequiredService<TimeProvider>();
            return options.Transport == CloudTransportKind.IoTHub
                ? new IoTHubTransport(options, IoTHubSettings.Resolve(options, Environment.GetEnvironmentVariable), time, sp.GetRequiredService<ILogger<IoTHubTransport>>())
                : new MqttTargetTransport(options, time, sp.GetRequiredService<ILogger<MqttTargetTransport>>());
        });
        services.AddSingleton(sp => new CloudStatus(
            sp.GetRequiredService<CloudBuffer>(), sp.GetRequiredService<ICloudTransport>(), sp.GetRequiredService<CloudRuntimeSettings>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ICloudStatus>(sp =>
            sp.Value<CloudOptions>().Transport == CloudTransportKind.None ? CloudStatus.Off : sp.GetRequiredService<CloudStatus>());
        services.AddSingleton(sp => new MetricSnapshotter(
            sp.GetRequiredService<PipelineReadings>(), sp.GetRequiredService<ICloudStatus>(), sp.GetRequiredService<AgentDescription>(),
            sp.GetRequiredService<CloudBuffer>(), sp.Value<CloudOptions>().MetricsHistory, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new DesiredPropertiesApplier(
            sp.Value<CloudOptions>(), sp.Value<DecisionOptions>(), sp.GetService<DecisionPolicy>(), sp.GetService<IModelControl>(),
            sp.GetRequiredService<AgentDescription>(), sp.GetRequiredService<CloudRuntimeSettings>(),
            new ModelDownloader(sp.Value<CloudOptions>()), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new CloudMethods(
            sp.GetRequiredService<MetricSnapshotter>(), sp.GetRequiredService<ICloudStatus>(), sp.GetRequiredService<CloudSignals>(),
            sp.Value<CloudOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new CloudController(
            sp.GetRequiredService<DesiredPropertiesApplier>(), sp.GetRequiredService<CloudMethods>(), sp.GetRequiredService<AgentDescription>(),
            sp.GetService<DecisionPolicy>(), sp.GetRequiredService<CloudRuntimeSettings>(), sp.GetRequiredService<ICloudStatus>(),
            sp.GetRequiredService<CloudSignals>(), sp.GetRequiredService<ICloudTransport>(), sp.GetRequiredService<ILogger<CloudController>>()));
        services.AddSingleton(sp => new CloudSyncService(
            sp.GetRequiredService<CloudBuffer>(), sp.GetRequiredService<ICloudTransport>(), sp.GetRequiredService<CloudController>(),
            sp.GetRequiredService<MetricSnapshotter>(), sp.GetRequiredService<CloudStatus>(), sp.GetRequiredService<CloudSignals>(),
            sp.GetRequiredService<CloudRuntimeSettings>(), sp.GetRequiredService<IOutcomeLog>(), sp.Value<CloudOptions>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CloudSyncService>>()));

        // With no cloud nothing of the above is built: no collection is added to the record, no connection made.
        services.AddSingleton<IHostedService>(sp => sp.Value<CloudOptions>().Transport == CloudTransportKind.None
            ? new CloudOffService(sp.GetRequiredService<ILogger<CloudOffService>>())
            : sp.GetRequiredService<CloudSyncService>());
        services.AddHostedService(sp => new RecordRetentionService(
            sp.GetRequiredService<IOutcomeLog>(), new LiteDbCheckpoints(sp.GetRequiredService<LiteDbFile>(), CloudBuffer.StateCollection),
            sp.GetRequiredService<IOptions<StorageOptions>>(), sp.GetRequiredService<IOptions<PipelineOptions>>(), sp.GetRequiredService<IOptions<CloudOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RecordRetentionService>>()));
        return services;
    }

    /// <summary>
    /// The scoring model's card band and, once the drift watch has judged a window of its payments, its score PSI.
    /// Both read from the scorer the holder lends now, so the band is always the card of the model the snapshot names.
    /// </summary>
    private static ModelDrift? ModelDriftOf(ModelHolder? holder, Core.Scoring.Drift.DriftMonitor? monitor)
    {
        if (holder?.Current.Card is not { } card)
        {
            return null;
        }

        var watched = monitor?.Snapshot();
        double? psi = watched is { Judged: true } w && w.Model == card.Identity ? w.ScorePsi : null;
        return new ModelDrift(card.Identity, card.Reference?.AlertRate, psi);
    }

    /// <summary>The name the messages carry as their source: the IoT Hub identity, or the MQTT client id.</summary>
    private static string SourceName(CloudOptions options) => options.Transport == CloudTransportKind.IoTHub
        ? IoTHubSettings.Resolve(options, Environment.GetEnvironmentVariable).ClientId
        : string.IsNullOrWhiteSpace(options.ClientId) ? "edgeagent-" + Environment.MachineName : options.ClientId;
}
