namespace EdgeAgent.Core.Pipeline;

/// <summary>What became of a message.</summary>
public enum OutcomeKind
{
    /// <summary>Valid and scored (by the model, or by the fallback decision when the model failed).</summary>
    Scored = 0,

    /// <summary>Invalid: answered with its reasons and kept as a dead letter.</summary>
    Rejected = 1,

    /// <summary>A payment already scored: answered with the first answer, not scored or counted again.</summary>
    Duplicate = 2,
}
