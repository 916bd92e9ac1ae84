using System.Diagnostics.Metrics;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Security;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Security;

/// <summary>
/// Registration of what guards the agent: the terminals' broker policy (<see cref="TerminalAccessPolicy"/>, built at
/// first use from the <c>Mqtt</c> files), the HTTP control plane, and the start-up warnings about insecure settings.
/// </summary>
public static class SecurityServices
{
    public static IServiceCollection AddAgentSecurity(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton(sp => TerminalAccessPolicy.Create(
            sp.GetRequiredService<IOptions<MqttOptions>>().Value,
            sp.GetRequiredService<IOptions<PipelineOptions>>().Value.TopicRoot,
            sp.GetRequiredService<IMeterFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeAgent.Mqtt.Security")));
        services.AddSingleton<ITerminalAccessPolicy>(sp => sp.GetRequiredService<TerminalAccessPolicy>());
        services.AddControlPlane();
        services.AddHostedService<SecurityStartupWarnings>();
        return services;
    }
}
