namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Remembers, across crashes, which messages were being handled when the process died. A message is entered when it
/// arrives and left once it is answered; what is still entered when the process dies was in the crash, and counts a
/// crash against its hash at the next start. A message that has been in <see cref="PipelineOptions.PoisonCrashLimit"/>
/// crashes is refused (<c>poison_message</c>) and acknowledged, so no message can keep the agent in a crash loop.
/// Entering and leaving cost a memory write (the ledger is memory-mapped), never a system call.
/// </summary>
public interface IPoisonLedger
{
    /// <summary>Marks a message as being handled; returns the slot to leave, or -1 when every slot is taken.</summary>
    int Enter(long messageHash);

    /// <summary>The message in <paramref name="slot"/> was answered.</summary>
    void Leave(int slot);

    /// <summary>Crashes the message with this hash was in, over earlier runs.</summary>
    int Crashes(long messageHash);

    /// <summary>The message was handled to the end: it is no longer a suspect.</summary>
    void Clear(long messageHash);
}
