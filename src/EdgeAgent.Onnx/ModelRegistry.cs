using EdgeAgent.Core.Scoring;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Onnx;

/// <summary>
/// The models in the models folder and which one scores. Switching loads the new model with every check (its card's
/// signature first), warms it, and swaps it in between batches (see <see cref="ModelHolder"/>): no payment is lost,
/// none is scored twice. A model that fails its checks is refused, counted by reason, and the active one stays. One
/// switch at a time.
/// </summary>
public sealed partial class ModelRegistry : IModelControl, IDisposable
{
    private const string IncomingFolder = ".incoming";
    private readonly ModelHolder _holder;
    private readonly InferenceOptions _options;
    private readonly ILogger<ModelRegistry> _logger;
    private readonly SemaphoreSlim _switching = new(1, 1);
    private long _swaps;

    public ModelRegistry(ModelHolder holder, string modelsPath, InferenceOptions options, ILogger<ModelRegistry> logger, ModelRefusals? refusals = null)
    {
        _holder = holder;
        ModelsPath = modelsPath;
        _options = options;
        _logger = logger;
        Refused = refusals ?? new ModelRefusals(null, TimeProvider.System);
        ActiveName = options.Model;
    }

    public string ModelsPath { get; }

    public string IncomingPath => Path.Combine(ModelsPath, IncomingFolder);

    public string ActiveName { get; private set; }

    public ModelIdentity Active => _holder.Current.Model;

    public string Provider => _holder.Current.Provider.Name;

    public string? SignedBy => _holder.Current.Card.Signature?.KeyId;

    /// <summary>Refused models by reason, and the last one.</summary>
    public ModelRefusals Refused { get; }

    public ModelRefusal? LastRefusal => Refused.Last;

    /// <summary>Successful switches since start.</summary>
    public long Swaps => Interlocked.Read(ref _swaps);

    /// <summary>Refused switches since start.</summary>
    public long Refusals => Refused.Total;

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
            return await SwitchAsync(model, cancellationToken);
        }
        finally
        {
            _switching.Release();
        }
    }

    public async Task<ModelSwitchResult> InstallAsync(string model, string folder, CancellationToken cancellationToken)
    {
        await _switching.WaitAsync(cancellationToken);
        try
        {
            ModelCard card;
            try
            {
                card = await Task.Run(() => ModelLoader.Verify(folder, model, _options).Card, cancellationToken);
            }
            catch (ModelLoadException ex)
            {
                return Refuse(model, ex.Reason, ex.Message);
            }

            // The model file first, its card last: the folder never holds a card whose file is still on its way.
            File.Move(Path.Combine(folder, card.File), Path.Combine(ModelsPath, card.File), overwrite: true);
            File.Move(Path.Combine(folder, model + ModelLoader.CardSuffix), Path.Combine(ModelsPath, model + ModelLoader.CardSuffix), overwrite: true);
            return await SwitchAsync(model, cancellationToken);
        }
        finally
        {
            _switching.Release();
        }
    }

    public ModelSwitchResult Refuse(string model, string reason, string detail)
    {
        if (Refused.Add(model, reason, detail, out var unlogged))
        {
            LogRefused(model, reason, unlogged, detail);
        }

        return new ModelSwitchResult(false, Active, detail, reason);
    }

    public void Dispose() => _switching.Dispose();

    private async Task<ModelSwitchResult> SwitchAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            // Loading and warming take milliseconds to seconds: off the caller's thread, never on the scoring loop.
            var scorer = await Task.Run(() => ModelLoader.Load(ModelsPath, model, _options), cancellationToken);
            var previous = _holder.Swap(scorer);
            ActiveName = model;
            Interlocked.Increment(ref _swaps);
            var previousName = previous.Model.ToString();
            var activeName = scorer.Model.ToString();
            LogSwitched(previousName, activeName, scorer.Provider.Name, scorer.Card.Signature?.KeyId ?? "nobody (unsigned)");
            return new ModelSwitchResult(true, scorer.Model, $"{activeName} scores from the next batch on {scorer.Provider.Name}");
        }
        catch (ModelLoadException ex)
        {
            return Refuse(model, ex.Reason, ex.Message);
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Model switched from {Previous} to {Active} on {Provider}, signed by {SignedBy}")]
    private partial void LogSwitched(string previous, string active, string provider, string signedBy);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning,
        Message = "Model {Model} refused ({Reason}; {Unlogged} more refusals for this reason since the last line); the active model stays: {Detail}")]
    private partial void LogRefused(string model, string reason, int unlogged, string detail);
}
