namespace EdgeAgent.Core.Scoring;

/// <summary>What became of a request to switch models.</summary>
/// <param name="Switched">True when the requested model now scores.</param>
/// <param name="Active">The model scoring after the request.</param>
/// <param name="Reason">Why the request was refused, or what happened.</param>
/// <param name="Refusal">For a refused request, the <see cref="ModelRefusalReasons"/> tag; null otherwise.</param>
public sealed record ModelSwitchResult(bool Switched, ModelIdentity Active, string Reason, string? Refusal = null);
