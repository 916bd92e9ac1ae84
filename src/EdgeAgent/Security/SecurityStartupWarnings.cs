using EdgeAgent.Cloud;
using EdgeAgent.Cloud.Fleet;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Security;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Security;

/// <summary>
/// Logs, at every start, each insecure setting in force (<c>Mqtt:AllowInsecure</c>, <c>Cloud:AllowInsecure</c>, <c>Fleet:AllowInsecure</c>), so that
/// a node left in a test setup cannot go unnoticed in its logs.
/// </summary>
public sealed partial class SecurityStartupWarnings(IOptions<MqttOptions> mqtt, IServiceProvider services, ILogger<SecurityStartupWarnings> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (BrokerExposure.InsecureUse(mqtt.Value) is { } terminals)
        {
            LogInsecure(logger, "Mqtt:AllowInsecure", terminals);
        }

        // The cloud options exist only in the scoring agent; the echo agent has no uplink.
        if (services.GetService<IOptions<CloudOptions>>()?.Value is { } cloud && cloud.InsecureUse() is { } uplink)
        {
            LogInsecure(logger, "Cloud:AllowInsecure", uplink);
        }

        if (services.GetService<IOptions<FleetLinkOptions>>()?.Value is { } fleet && fleet.InsecureUse() is { } link)
        {
            LogInsecure(logger, "Fleet:AllowInsecure", link);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 311, Level = LogLevel.Warning, Message = "{Setting} is true: {What}. Not for production.")]
    private static partial void LogInsecure(ILogger logger, string setting, string what);
}
