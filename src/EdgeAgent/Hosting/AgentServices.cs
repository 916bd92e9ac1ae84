using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Diagnostics;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Embedded;
using EdgeAgent.Onnx;
using EdgeAgent.Security;
using EdgeAgent.Storage;
using EdgeAgent.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeAgent.Hosting;

/// <summary>Registration of each area of the agent, one method an area.</summary>
public static class AgentServices
{
    /// <summary>What both the scoring agent and the echo agent need: options, clock, metrics, the transport.</summary>
    public static IServiceCollection AddAgentBasics(this IServiceCollection services)
    {
        services.AddAgentOptions();
        services.AddOptions<PipelineOptions>().PostConfigure<Microsoft.Extensions.Options.IOptions<MqttOptions>>((pipeline, mqtt) =>
            pipeline.CommitDelayMilliseconds ??= mqtt.Value.UsesExternalBroker ? 2 : 0);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<PipelineMetrics>();
        services.TryAddSingleton<IBrokerAccess>(sp => new LoopbackBrokerAccess(sp.Value<MqttOptions>()));
        services.TryAddSingleton<IRecentAnswerSource, InMemoryRecentAnswerSource>();
        services.AddSingleton<IIngest>(sp =>
        {
            var mqtt = sp.Value<MqttOptions>();
            var root = sp.Value<PipelineOptions>().TopicRoot;
            var time = sp.GetRequiredService<TimeProvider>();
            return mqtt.UsesExternalBroker
                ? new ExternalBrokerIngest(mqtt, root, time, sp.GetRequiredService<ILogger<ExternalBrokerIngest>>())
                : new EmbeddedBrokerIngest(mqtt, root, sp.GetRequiredService<IBrokerAccess>(), sp.GetRequiredService<IRecentAnswerSource>(), time,
                    sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetRequiredService<ILoggerFactory>());
        });
        services.AddSingleton<AgentStatus>();
        return services;
    }

    /// <summary>The scoring agent: tokenizer, parser, store, model, pipeline and the service that runs them.</summary>
    public static IServiceCollection AddScoringAgent(this IServiceCollection services)
    {
        services.AddAgentBasics();
        services.AddSingleton(sp => TokenizationKeyLoader.CreateTokenizer(
            sp.Value<TokenizationOptions>(), sp.Value<StorageOptions>().Path, sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeAgent.Tokenization")));
        services.AddSingleton(sp => new PaymentParser(
            sp.GetRequiredService<Core.Tokenization.CardTokenizer>(), sp.Value<ValidationOptions>(), sp.Value<PipelineOptions>().TopicRoot,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new LiteDbOutcomeStore(sp.Value<StorageOptions>()));
        services.AddSingleton<IOutcomeStore>(sp => sp.GetRequiredService<LiteDbOutcomeStore>());
        services.AddSingleton<Core.Records.IOutcomeLog>(sp => sp.GetRequiredService<LiteDbOutcomeStore>());
        services.AddInference();
        services.AddSingleton(sp => new DecisionPolicy(sp.Value<DecisionOptions>()));
        services.AddSingleton(sp => new ScoringPipeline(
            sp.GetRequiredService<PaymentParser>(),
            sp.GetRequiredService<IScorerSource>(),
            sp.GetRequiredService<IOutcomeStore>(),
            sp.GetRequiredService<IIngest>(),
            sp.Value<PipelineOptions>(),
            sp.GetRequiredService<DecisionPolicy>(),
            sp.GetRequiredService<PipelineMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            FaultInjection(sp),
            sp.GetRequiredService<ShadowModel>().Holder));
        services.AddHostedService<AgentService>();
        services.AddCloudSync();
        return services;
    }

    private static FaultInjector? FaultInjection(IServiceProvider services)
    {
        var faults = services.Value<FaultOptions>();
        return faults.KillAfter == FaultPoint.None ? null : new FaultInjector(faults, services.GetRequiredService<ILogger<FaultInjector>>());
    }

    /// <summary>The echo agent: the transport answering every message at once.</summary>
    public static IServiceCollection AddEchoAgent(this IServiceCollection services)
    {
        services.AddAgentBasics();
        services.AddSingleton(sp => new EchoPipeline(sp.GetRequiredService<IIngest>(), sp.Value<PipelineOptions>(), sp.GetRequiredService<PipelineMetrics>()));
        services.AddHostedService<EchoService>();
        return services;
    }
}
