using EdgeAgent.Core.Scoring;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Onnx;

/// <summary>
/// The models in the models folder and which one scores. Switching loads the new model with every check, warms
/// it, and swaps it in between batches (see <see cref="ModelHolder"/>): no payment is lost, none is scored twice.
/// A model that fails its checks is refused and the active one stays. One switch at a time.
/// </summary>
public sealed partial class ModelRegistry : IModelControl, IDisposable
{
    private readonly ModelHolder _holder;
    private readonly InferenceOptions _options;
    private readonly ILogger<ModelRegistry> _logger;
    private readonly SemaphoreSlim _switching = new(1, 1);
    private long _swaps;
    private long _refusals;

    public ModelRegistry(ModelHolder holder, string modelsPath, InferenceOptions options, ILogger<ModelRegistry> logger)
    {
        _holder = holder;
        ModelsPath = modelsPath;
        _options = options;
        _logger = logger;
        ActiveName = options.Model;
    }

    public string ModelsPath { get; }

    public string ActiveName { get; private set; }

    public ModelIdentity Active => _holder.Current.Model;

    public string Provider => _holder.Current.Provider.Name;

    /// <summary>Successful switches since start.</summary>
    public long Swaps => Interlocked.Read(ref _swaps);

    /// <summary>Refused switches since start.</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    public IReadOnlyList<string> Available =>
        Directory.Exists(ModelsPath)
            ? Directory.GetFiles(ModelsPath, "*" + ModelLoader.CardSuffix)
                .Select(path => Path.GetFileName(path)[..^ModelLoader.CardSuffix.Length])
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    public async Task<ModelSwitchResult> ActivateAsync(string model, CancellationToken cancellationToken)
    {
        await _switching.WaitAsync(cancellationToken);
        try
        {
            // Loading and warming take milliseconds to seconds: off the caller's thread, never on the scoring loop.
            var scorer = await Task.Run(() => ModelLoader.Load(ModelsPath, model, _options), cancellationToken);
            var previous = _holder.Swap(scorer);
            ActiveName = model;
            Interlocked.Increment(ref _swaps);
            var previousName = previous.Model.ToString();
            var activeName = scorer.Model.ToString();
            LogSwitched(previousName, activeName, scorer.Provider.Name);
            return new ModelSwitchResult(true, scorer.Model, $"{activeName} scores from the next batch on {scorer.Provider.Name}");
        }
        catch (ModelLoadException ex)
        {
            Interlocked.Increment(ref _refusals);
            LogRefused(model, ex.Message);
            return new ModelSwitchResult(false, Active, ex.Message);
        }
        finally
        {
            _switching.Release();
        }
    }

    public void Dispose() => _switching.Dispose();

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Model switched from {Previous} to {Active} on {Provider}")]
    private partial void LogSwitched(string previous, string active, string provider);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Model {Model} refused; the active model stays: {Reason}")]
    private partial void LogRefused(string model, string reason);
}
