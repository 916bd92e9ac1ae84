namespace EdgeAgent.Core.Scoring;

/// <summary>What the terminal is told to do with the payment.</summary>
public enum Decision
{
    /// <summary>Go ahead.</summary>
    Approve = 0,

    /// <summary>Go ahead but queue for an analyst, or step up verification.</summary>
    Review = 1,

    /// <summary>Refuse.</summary>
    Decline = 2,
}
