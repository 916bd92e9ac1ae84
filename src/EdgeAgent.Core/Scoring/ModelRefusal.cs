namespace EdgeAgent.Core.Scoring;

/// <summary>A model the agent would not load or switch to: which, why (a <see cref="ModelRefusalReasons"/> tag), the details, when.</summary>
public sealed record ModelRefusal(string Model, string Reason, string Detail, DateTimeOffset At);
