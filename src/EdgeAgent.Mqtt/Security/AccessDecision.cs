namespace EdgeAgent.Mqtt.Security;

/// <summary>An authorization answer: allowed, or refused for a counted reason.</summary>
/// <param name="Reason">Why it was refused; null when allowed.</param>
public readonly record struct AccessDecision(RefusalReason? Reason)
{
    public static AccessDecision Allow => default;

    public bool IsAllowed => Reason is null;

    public static AccessDecision Refuse(RefusalReason reason) => new(reason);
}
