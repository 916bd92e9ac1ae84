using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Cloud.Sync;

/// <summary>Stands in for the sync when <c>Cloud:Transport</c> is <c>None</c>: says so once, touches nothing.</summary>
public sealed partial class CloudOffService(ILogger<CloudOffService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogOff();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 449, Level = LogLevel.Information, Message = "Cloud sync off (Cloud:Transport=None): the record stays on the node")]
    private partial void LogOff();
}
