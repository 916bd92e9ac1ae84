namespace EdgeAgent.Storage;

/// <summary>Collection names in the agent's database.</summary>
public static class Collections
{
    public const string Outcomes = "outcomes";
    public const string DeadLetters = "deadletters";
    public const string Cards = "cards";
    public const string Merchants = "merchants";
    public const string Meta = "meta";
}
