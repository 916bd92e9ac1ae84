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

    private readonly SemaphoreSlim _changed = new(0);
    private FileSystemWatcher? _watcher;

    /// <summary>
    /// Watches from here, before the host has started, not from <see cref="ExecuteAsync"/>, which runs later on its
    /// own: a file replaced right after the start is not missed.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.WatchModels && Directory.Exists(registry.ModelsPath))
        {
            _watcher = new FileSystemWatcher(registry.ModelsPath)
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size,
            };
            FileSystemEventHandler onChange = (_, e) =>
            {
                if (e.Name is { } name && name.StartsWith(registry.ActiveName, StringComparison.Ordinal))
                {
                    _changed.Release();
                }
            };
            _watcher.Changed += onChange;
            _watcher.Created += onChange;
            _watcher.Renamed += (_, e) => onChange(_watcher, e);
            _watcher.EnableRaisingEvents = true;
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        _changed.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_watcher is null)
        {
            return;
        }

        var changed = _changed;
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
