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

    /// <summary>Card names of the models found in the models folder.</summary>
    IReadOnlyList<string> Available { get; }

    /// <summary>
    /// Loads, checks and warms <paramref name="model"/>, then makes it active between batches. A model that fails its
    /// checks is refused (the result says why) and the active model stays.
    /// </summary>
    Task<ModelSwitchResult> ActivateAsync(string model, CancellationToken cancellationToken);
}
