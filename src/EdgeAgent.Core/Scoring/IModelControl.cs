namespace EdgeAgent.Core.Scoring;

/// <summary>The models an operator can switch between at run time (a command, a file change, the device twin).</summary>
public interface IModelControl
{
    /// <summary>The model scoring now.</summary>
    ModelIdentity Active { get; }

    /// <summary>The model's card name (file name without <c>.card.json</c>), as configuration names it.</summary>
    string ActiveName { get; }

    /// <summary>The execution provider the active model runs on.</summary>
    string Provider { get; }

    /// <summary>Key id of the key that signed the active model's card; null for an unsigned one.</summary>
    string? SignedBy { get; }

    /// <summary>Card names of the models found in the models folder.</summary>
    IReadOnlyList<string> Available { get; }

    /// <summary>The last model refused since start (at a switch, by the folder watcher or from the cloud); null when none.</summary>
    ModelRefusal? LastRefusal { get; }

    /// <summary>
    /// A folder on the models folder's file system where a model on its way in (a download) is put together before
    /// <see cref="InstallAsync"/> checks it; created on demand.
    /// </summary>
    string IncomingPath { get; }

    /// <summary>
    /// Loads, checks and warms <paramref name="model"/>, then makes it active between batches. A model that fails its
    /// checks is refused (the result says why) and the active model stays.
    /// </summary>
    Task<ModelSwitchResult> ActivateAsync(string model, CancellationToken cancellationToken);

    /// <summary>
    /// Checks the card and model file of <paramref name="model"/> in <paramref name="folder"/> (signature, SHA-256,
    /// feature schema), moves them into the models folder and activates the model. A model that fails is refused,
    /// never reaches the models folder, and the active model stays.
    /// </summary>
    Task<ModelSwitchResult> InstallAsync(string model, string folder, CancellationToken cancellationToken);

    /// <summary>Counts and remembers a model refused before it reached the registry (a failed download); returns the refusal as a result.</summary>
    ModelSwitchResult Refuse(string model, string reason, string detail);
}
