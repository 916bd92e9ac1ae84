using EdgeAgent.Onnx;

namespace EdgeAgent.Hosting;

/// <summary>
/// Reloads the active model when its files in the models folder change (a new version copied over the old one),
/// after a short quiet period so that a file still being written is not read half-way. A replacement that fails
/// its checks is refused and the loaded model keeps scoring.
/// </summary>
internal sealed partial class ModelFolderWatcher(ModelRegistry registry, InferenceOptions options, ILogger<ModelFolderWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.WatchModels || !Directory.Exists(registry.ModelsPath))
        {
            return;
        }

        using var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(registry.ModelsPath)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size,
            EnableRaisingEvents = true,
        };
        FileSystemEventHandler onChange = (_, e) =>
        {
            if (e.Name is { } name && name.StartsWith(registry.ActiveName, StringComparison.Ordinal))
            {
                changed.Release();
            }
        };
        watcher.Changed += onChange;
        watcher.Created += onChange;
        watcher.Renamed += (_, e) => onChange(watcher, e);

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await changed.WaitAsync(stoppingToken);
                while (await changed.WaitAsync(QuietPeriod, stoppingToken))
                {
                    // more events from the same copy: wait until the folder is quiet
                }

                LogChanged(registry.ActiveName);
                await registry.ActivateAsync(registry.ActiveName, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(ex);
            }
        }
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, Message = "The files of model {Model} changed; reloading it")]
    private partial void LogChanged(string model);

    [LoggerMessage(EventId = 411, Level = LogLevel.Error, Message = "Reloading the model after a file change failed")]
    private partial void LogFailed(Exception exception);
}
