using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Embedded;
using EdgeAgent.Onnx;
using EdgeAgent.Security;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;
using EdgeAgent.Telemetry;
using EdgeAgent.Telemetry.Readback;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeAgent.Hosting;

/// <summary>Registration of each area of the agent, one method an area.</summary>
public static class AgentServices
{
    /// <summary>What both the scoring agent and the echo agent need: options, clock, metrics, the transport.</summary>
    public static IServiceCollection AddAgentBasics(this IServiceCollection services)
    {
        services.AddAgentOptions();
        services.AddOptions<PipelineOptions>().PostConfigure<Microsoft.Extensions.Options.IOptions<MqttOptions>, Microsoft.Extensions.Options.IOptions<Cloud.Fleet.FleetLinkOptions>>(
            (pipeline, mqtt, fleet) =>
            {
                pipeline.CommitDelayMilliseconds ??= mqtt.Value.UsesExternalBroker ? 2 : 0;

                // The fleet outbox reads LiteDB: with the link on, a payment is committed there within one flush interval,
                // so it reaches the fleet within about one interval of its acknowledgement, not two.
                pipeline.RecordIntervalMilliseconds ??= fleet.Value is { Enabled: true, FlushInterval.TotalMilliseconds: > 0 and var flush }
                    ? Math.Max(1, flush)
                    : PipelineOptions.DefaultRecordIntervalMilliseconds;
            });
        services.AddSingleton(TimeProvider.System);
        // The read-back listens before the pipeline's instruments record anything: a listener sees only what comes after it.
        services.AddSingleton(sp => new PipelineReadings(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton(sp =>
        {
            _ = sp.GetRequiredService<PipelineReadings>();
            return new PipelineMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<IBrokerAccess>(sp => new Mqtt.Security.PolicyBrokerAccess(
            sp.GetRequiredService<Mqtt.Security.ITerminalAccessPolicy>(), sp.Value<PipelineOptions>().TopicRoot));
        services.TryAddSingleton<IRecentAnswerSource, NoRecentAnswers>();
        services.AddSingleton<IIngest>(sp =>
        {
            var mqtt = sp.Value<MqttOptions>();
            var root = sp.Value<PipelineOptions>().TopicRoot;
            var time = sp.GetRequiredService<TimeProvider>();
            if (mqtt.UsesExternalBroker)
            {
                return new ExternalBrokerIngest(mqtt, root, time, sp.GetRequiredService<ILogger<ExternalBrokerIngest>>());
            }

            return new EmbeddedBrokerIngest(mqtt, root, sp.GetRequiredService<IBrokerAccess>(), sp.GetRequiredService<IRecentAnswerSource>(), time,
                sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetRequiredService<ILoggerFactory>(),
                Mqtt.Security.EmbeddedBrokerListeners.From(mqtt, sp.GetRequiredService<Mqtt.Security.TerminalAccessPolicy>().ClientCertificates),
                sp.GetService<IOwedAnswerStore>());
        });
        services.AddSingleton<AgentStatus>();
        services.AddAgentSecurity();
        return services;
    }

    /// <summary>The scoring agent: tokenizer, parser, store, model, pipeline and the service that runs them.</summary>
    public static IServiceCollection AddScoringAgent(this IServiceCollection services)
    {
        services.AddAgentBasics();
        services.AddSingleton(sp => TokenizationKeyLoader.CreateTokenizer(
            sp.Value<TokenizationOptions>(), sp.Value<StorageOptions>().Path, sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeAgent.Tokenization")));
        services.AddSingleton(sp => PanKeyLoader.CreateDecryptor(
            sp.Value<PanEncryptionOptions>(), sp.Value<ValidationOptions>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeAgent.PanEncryption")));
        services.AddSingleton(sp => new PaymentParser(
            sp.GetRequiredService<Core.Tokenization.CardTokenizer>(), sp.Value<ValidationOptions>(), sp.Value<PipelineOptions>().TopicRoot,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Core.Payments.Encryption.PanDecryptor>()));
        services.AddRecord();

        // After a crash the embedded broker offers resubscribing terminals the answers of the last minutes, from the record.
        services.AddSingleton<IRecentAnswerSource>(sp => new RecordAnswerSource(sp.GetRequiredService<LiteDbOutcomeStore>()));

        // The answers the embedded broker owes its terminals, kept in the data folder until each terminal acknowledges its own.
        services.AddSingleton<IOwedAnswerStore>(sp => new FileOwedAnswers(sp.Value<StorageOptions>().Path));
        services.AddInference();
        services.AddDriftWatch();
        services.AddSingleton(sp => new DecisionPolicy(sp.Value<DecisionOptions>()));
        services.AddSingleton<IntakeGate>();
        services.AddSingleton(sp => new ScoringPipeline(
            new PipelineParts
            {
                Parser = sp.GetRequiredService<PaymentParser>(),
                Scorers = sp.GetRequiredService<IScorerSource>(),
                Shadow = sp.GetRequiredService<ShadowModel>().Holder,
                Store = sp.GetRequiredService<IOutcomeStore>(),
                Publisher = sp.GetRequiredService<IIngest>(),
                Journal = sp.GetRequiredService<MappedAnswerJournal>(),
                Ledger = sp.GetRequiredService<MappedPoisonLedger>(),
                Options = sp.Value<PipelineOptions>(),
                Validation = sp.Value<ValidationOptions>(),
                Decisions = sp.GetRequiredService<DecisionPolicy>(),
                Metrics = sp.GetRequiredService<PipelineMetrics>(),
                Time = sp.GetRequiredService<TimeProvider>(),
                Logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<ScoringPipeline>(),
                Observer = FaultInjection(sp),
                Drift = sp.GetRequiredService<Core.Scoring.Drift.DriftMonitor>(),
                Gate = sp.GetRequiredService<IntakeGate>(),
                FeatureState = sp.GetRequiredService<AgentFleet>().State,
                FirstSight = sp.GetRequiredService<AgentFleet>().Link,
            },
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<AgentService>();
        services.AddCloudSync();
        services.AddFleetLink();
        return services;
    }

#pragma warning disable CA1859 // the return type is the seam: release builds have no fault injector type at all
    private static IRecordingObserver? FaultInjection(IServiceProvider services)
    {
#if DEBUG
        var faults = services.Value<Diagnostics.FaultOptions>();
        return faults.KillAfter == Diagnostics.FaultPoint.None
            ? null
            : new Diagnostics.FaultInjector(faults, services.GetRequiredService<ILogger<Diagnostics.FaultInjector>>());
#else
        _ = services;
        return null;
#endif
    }
#pragma warning restore CA1859

    /// <summary>The echo agent: the transport answering every message at once.</summary>
    public static IServiceCollection AddEchoAgent(this IServiceCollection services)
    {
        services.AddAgentBasics();
        services.AddSingleton(sp => new Echo.EchoSink(
            sp.GetRequiredService<IIngest>(), sp.Value<PipelineOptions>().TopicRoot, sp.GetRequiredService<PipelineMetrics>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<Echo.EchoService>();
        return services;
    }
}
