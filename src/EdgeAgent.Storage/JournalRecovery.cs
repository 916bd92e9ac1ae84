namespace EdgeAgent.Storage;

/// <summary>What a start recorded from the answer journal, and the entries it refused, by reason.</summary>
/// <param name="Recorded">Outcomes recorded.</param>
/// <param name="Refused">Entries refused, by reason (<see cref="Unreadable"/>, <see cref="Unrecordable"/>).</param>
public sealed record JournalRecovery(int Recorded, IReadOnlyDictionary<string, int> Refused)
{
    /// <summary>Records that do not decode, or do not number the entry's range one after the last commit.</summary>
    public const string Unreadable = "unreadable";

    /// <summary>The database would not take the entry (its group id already on record).</summary>
    public const string Unrecordable = "unrecordable";

    /// <summary>Entries refused, all reasons.</summary>
    public int RefusedCount => Refused.Values.Sum();
}
