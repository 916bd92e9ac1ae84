namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Holds the answer to one payment once it exists, so that a duplicate arriving while the first is still
/// on its way to the store is answered with exactly the same bytes.
/// </summary>
public sealed class AnswerSlot
{
    public AnswerSlot(byte[]? answer = null)
    {
        Answer = answer;
    }

    /// <summary>The answer JSON; null until the recording loop has written it.</summary>
    public byte[]? Answer { get; set; }
}
