namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Remembers, across crashes, which messages were being handled when the process died. A message is entered only while
/// something runs its bytes: its intake call (parsing, on the receiving thread), and the scoring pass of its batch until
/// the batch is answered. A message waiting in a queue is not entered, so a crash it could not have caused (a kill, an
/// out-of-memory, another message) is never charged to it. What is still entered when the process dies was in the
/// crash, and counts a crash against its hash at the next start. A message that has been in <see cref="PipelineOptions.PoisonCrashLimit"/>
/// crashes is refused (<c>poison_message</c>) and acknowledged, so no message can keep the agent in a crash loop.
/// Entering and leaving cost a memory write (the ledger is memory-mapped), never a system call.
/// </summary>
public interface IPoisonLedger
{
    /// <summary>
    /// The hash the ledger knows a message by (topic, payload as received, length): keyed with a secret of this node, so
    /// that what the ledger keeps, memory-mapped on disk, cannot be used to guess the card number in the payload.
    /// </summary>
    long HashOf(InboundMessage message);

    /// <summary>Marks a message as being handled; returns the slot to leave, or -1 when every slot is taken.</summary>
    int Enter(long messageHash);

    /// <summary>The message in <paramref name="slot"/> was handed on (its intake call returned) or answered.</summary>
    void Leave(int slot);

    /// <summary>Crashes the message with this hash was in, over earlier runs.</summary>
    int Crashes(long messageHash);

    /// <summary>The message was handled to the end: it is no longer a suspect.</summary>
    void Clear(long messageHash);
}
