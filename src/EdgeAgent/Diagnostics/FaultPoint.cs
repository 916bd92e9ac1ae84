namespace EdgeAgent.Diagnostics;

/// <summary>Where in the pipeline fault injection kills the agent.</summary>
public enum FaultPoint
{
    None = 0,

    /// <summary>The broker took the answer; the outcome is not yet committed.</summary>
    Answer = 1,

    /// <summary>The outcome is committed; the message is not yet acknowledged.</summary>
    Commit = 2,

    /// <summary>While the payment is being scored, before it is answered: what a message that crashes the agent does.</summary>
    Scoring = 3,
}
