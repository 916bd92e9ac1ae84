using EdgeAgent.Core.Features;
using EdgeAgent.Core.Records;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Testing;

/// <summary>
/// Reads an agent's record through the store after the agent has stopped (the agent holds the file while it runs). Only
/// LiteDB is read: after a graceful stop it holds every payment the agent answered; after a SIGKILL the last ones may be
/// in the answer journal only, until the agent starts again and records them.
/// </summary>
public sealed class AgentRecord : IDisposable
{
    private readonly LiteDbOutcomeStore _store;
    private readonly List<RecordedOutcome> _all;

    public AgentRecord(string dataPath)
    {
        _store = new LiteDbOutcomeStore(new LiteDbFile(new StorageOptions { Path = dataPath }, NullLogger.Instance, TimeProvider.System));
        _all = [.. _store.ReadAfter(0, int.MaxValue)];
    }

    /// <summary>Every scored payment, in sequence order.</summary>
    public List<RecordedOutcome> Outcomes => [.. _all.Where(o => o.Status == "scored")];

    /// <summary>Every refusal kept as a dead letter, in sequence order.</summary>
    public List<RecordedOutcome> DeadLetters => [.. _all.Where(o => o.Status == "rejected")];

    /// <summary>The card histories of the last snapshot.</summary>
    public IReadOnlyList<CardHistorySnapshot> Cards => _store.LoadState(int.MaxValue).Cards;

    public RecordedOutcome? Outcome(string transactionId) => Outcomes.SingleOrDefault(o => o.TransactionId == transactionId);

    /// <summary>The answer on record for a payment, byte for byte.</summary>
    public byte[]? Answer(RecordedOutcome outcome) =>
        _store.FindAnswer(outcome.Sequence, Core.Payments.DeduplicationKeys.For(outcome.StoreId!, outcome.TerminalId!, outcome.TransactionId!));

    /// <summary>Payments a card's persisted history holds (its last seven days).</summary>
    public static int CardPayments(CardHistorySnapshot card) => card.Recent.Length;

    public void Dispose() => _store.Dispose();
}
