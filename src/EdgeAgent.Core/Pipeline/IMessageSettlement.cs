namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// How the transport learns that a message is safe: for an external broker, the deferred PUBACK; for the
/// embedded broker, the release of the terminal's PUBACK. The pipeline calls it once the outcome is committed,
/// in arrival order, and never for a message whose outcome was not committed.
/// </summary>
public interface IMessageSettlement
{
    /// <summary>The outcome is durably recorded: acknowledge the message to its sender.</summary>
    ValueTask AcknowledgeAsync(CancellationToken cancellationToken);

    /// <summary>The agent is stopping before the outcome was recorded: do not acknowledge; let it be redelivered.</summary>
    void Abandon();
}
