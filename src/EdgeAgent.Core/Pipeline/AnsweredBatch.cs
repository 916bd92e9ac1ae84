namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// What the scoring loop hands to the record loop for one pass: the batch to record, and its answers on their way to the
/// broker, which the record loop awaits before it acknowledges the batch's messages. Kept apart so the record (and the
/// journal's bytes it carries) never holds a transport's tasks.
/// </summary>
/// <param name="Batch">What to record.</param>
/// <param name="Answers">The publishes of the batch's answers; empty when none was sent.</param>
internal readonly record struct AnsweredBatch(ScoredBatch Batch, IReadOnlyList<Task> Answers);
