using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Mqtt;
using EdgeAgent.Onnx;
using EdgeAgent.Security;
using EdgeAgent.Storage;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Hosting;

/// <summary>Binds every options section and validates it at start, so a bad setting stops the agent at boot with the key named.</summary>
public static class OptionsRegistration
{
    public static IServiceCollection AddAgentOptions(this IServiceCollection services)
    {
        services.AddValidatedOptions<ValidationOptions>(ValidationOptions.SectionName);
        services.AddValidatedOptions<PipelineOptions>(PipelineOptions.SectionName);
        services.AddValidatedOptions<DecisionOptions>(DecisionOptions.SectionName);
        services.AddValidatedOptions<InferenceOptions>(InferenceOptions.SectionName);
        services.AddValidatedOptions<MqttOptions>(MqttOptions.SectionName);
        services.AddValidatedOptions<StorageOptions>(StorageOptions.SectionName);
        services.AddValidatedOptions<TokenizationOptions>(TokenizationOptions.SectionName);
        services.AddValidatedOptions<PanEncryptionOptions>(PanEncryptionOptions.SectionName);
        services.AddValidatedOptions<Cloud.Fleet.FleetLinkOptions>(Cloud.Fleet.FleetLinkOptions.SectionName);
#if DEBUG
        services.AddValidatedOptions<Diagnostics.FaultOptions>(Diagnostics.FaultOptions.SectionName);
#endif
        return services;
    }

    /// <summary>The options value itself, for the adapters that take plain options objects.</summary>
    public static T Value<T>(this IServiceProvider services)
        where T : class => services.GetRequiredService<IOptions<T>>().Value;

    private static void AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class
    {
        services.AddOptions<T>().BindConfiguration(section, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations().ValidateOnStart();
    }
}
