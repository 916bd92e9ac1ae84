using System.Diagnostics;
using System.Text;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;
using LiteDB;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.IntegrationTests;

/// <summary>
/// The answer journal on a real file and its recovery into a real LiteDB record: bytes a terminal chooses are never read
/// as entries, a damaged or forged entry ends the chain, and nothing the journal holds can fail the start or move the
/// sequence out of range.
/// </summary>
public sealed class AnswerJournalTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private StorageOptions Options => new() { Path = _data.Path };

    private string JournalFile => Path.Combine(_data.Path, "answers.journal");

    private LiteDbFile OpenFile() => new(Options, NullLogger.Instance, TimeProvider.System);

    private static Outcome Refusal(long sequence, string transactionId = "tx", byte[]? correlation = null) => new()
    {
        Message = new InboundMessage
        {
            Topic = "pos/s1/t1/payments",
            Payload = Memory<byte>.Empty,
            ReceivedTimestamp = Stopwatch.GetTimestamp(),
            ReceivedAt = DateTimeOffset.UtcNow,
            Settlement = null!,
        },
        Kind = OutcomeKind.Rejected,
        Sequence = sequence,
        TransactionId = transactionId,
        AnswerTopic = "pos/s1/t1/responses/x",
        AnswerCorrelation = correlation,
        Errors = [new ValidationError("amount", ValidationCodes.OutOfRange, "amount is greater than zero")],
        DeadLetter = "{}"u8.ToArray(),
        Answer = Encoding.UTF8.GetBytes("{\"answer\":" + sequence + "}"),
    };

    [Fact]
    public void ForgedEntriesInCorrelationData_AtEveryAlignment_AreNeverRecovered()
    {
        // Committed payments whose correlation data holds a forged entry (both kinds), at every 8-byte alignment in the
        // ring, and one answered payment not yet committed when the process dies.
        long sequence = 0;
        using (var journal = new MappedAnswerJournal(JournalFile, 1))
        using (var store = new LiteDbOutcomeStore(OpenFile()))
        {
            foreach (var forged in new[] { ForgedJournalEntry.CrashLoop(), ForgedJournalEntry.Injection(1) })
            {
                for (var pad = 0; pad < 8; pad++)
                {
                    var batch = new ScoredBatch([Refusal(++sequence, "tx-" + new string('x', pad), forged)]);
                    store.Commit([batch with { Journaled = journal.Append(batch) }]);
                    journal.Committed(sequence);
                }
            }

            journal.Append(new ScoredBatch([Refusal(++sequence, "tx-last", ForgedJournalEntry.CrashLoop())]));
        }

        using var reopenedJournal = new MappedAnswerJournal(JournalFile, 1);
        using var reopened = new LiteDbOutcomeStore(OpenFile());
        var entries = reopenedJournal.Uncommitted(reopened.LastSequence);
        var recovery = reopened.Recover(entries);

        Assert.Equal([(sequence, sequence)], entries.Select(e => (e.First, e.Last)));
        Assert.Equal(1, recovery.Recorded);
        Assert.Equal(0, recovery.RefusedCount);
        Assert.Equal(sequence, reopened.LastSequence);
        Assert.Equal(Enumerable.Range(1, (int)sequence).Select(s => (long)s), reopened.ReadAfter(0, 100).Select(o => o.Sequence));
    }

    [Fact]
    public void AnEntryChangedOnDisk_EndsTheChain_AndWhatFollowsIsNotRecovered()
    {
        using (var journal = new MappedAnswerJournal(JournalFile, 1))
        {
            journal.Append(new ScoredBatch([Refusal(1)]));
            journal.Append(new ScoredBatch([Refusal(2)]));
            journal.Append(new ScoredBatch([Refusal(3)]));
        }

        // One bit of the second entry's answer, as a bad sector or a stray write would change it.
        var bytes = File.ReadAllBytes(JournalFile);
        var answer = Encoding.UTF8.GetBytes("{\"answer\":2}");
        var at = bytes.AsSpan().IndexOf(answer);
        Assert.True(at > 0);
        bytes[at + 2] ^= 1;
        File.WriteAllBytes(JournalFile, bytes);

        using var reopened = new MappedAnswerJournal(JournalFile, 1);
        Assert.Equal([1L], reopened.Uncommitted(0).Select(e => e.First));
    }

    [Fact]
    public void AfterReset_TheEntriesOfTheLastRunAreGone_AndNewOnesChainFromTheLastCommit()
    {
        using var journal = new MappedAnswerJournal(JournalFile, 1);
        journal.Append(new ScoredBatch([Refusal(1)]));
        journal.Reset();
        Assert.Empty(journal.Uncommitted(0));

        journal.Append(new ScoredBatch([Refusal(8)]));
        journal.Append(new ScoredBatch([Refusal(9)]));
        Assert.Empty(journal.Uncommitted(0));
        Assert.Equal([8L, 9L], journal.Uncommitted(7).Select(e => e.First));
    }

    [Fact]
    public void EntriesTheStoreCannotTake_AreRefusedAndCounted_AndTheRecoveryGoesOn()
    {
        byte[] Encoded(params Outcome[] outcomes)
        {
            using var scratch = new MappedAnswerJournal(Path.Combine(_data.Path, "scratch-" + Guid.NewGuid().ToString("N")), 1);
            var batch = new ScoredBatch(outcomes);
            return scratch.Append(batch).ToArray();
        }

        var file = OpenFile();
        using var store = new LiteDbOutcomeStore(file);
        store.Commit([new ScoredBatch([Refusal(1), Refusal(2)])]);

        // A group id already on record (written behind the store's back), records that do not number their range, bytes
        // that are no records at all, and then one that is fine.
        file.Write(db => db.GetCollection("log").Insert(new BsonDocument { ["_id"] = 3L, ["last"] = 3L, ["d"] = Encoded(Refusal(3)) }));
        var recovery = store.Recover(
        [
            (3, 3, Encoded(Refusal(3))),
            (3, 4, Encoded(Refusal(3))),
            (3, 3, [1, 0, 0, 0, 2]),
            (3, 3, [0xFF, 0xFF, 0xFF, 0x7F, 1]),
        ]);

        Assert.Equal(0, recovery.Recorded);
        Assert.Equal(1, recovery.Refused[JournalRecovery.Unrecordable]);
        Assert.Equal(3, recovery.Refused[JournalRecovery.Unreadable]);
        Assert.Equal(2, store.LastSequence);

        var next = store.Recover([(3, 4, Encoded(Refusal(3), Refusal(4)))]);
        Assert.Equal(1, next.Refused[JournalRecovery.Unrecordable]);
    }

    [Fact]
    public void AGroupOnRecordClaimingLongMaxValue_DoesNotMoveTheSequence()
    {
        byte[] records;
        using (var scratch = new MappedAnswerJournal(Path.Combine(_data.Path, "scratch"), 1))
        {
            var batch = new ScoredBatch([Refusal(5)]);
            records = scratch.Append(batch).ToArray();
        }

        using (var file = OpenFile())
        {
            // What an agent without the keyed journal recorded from a forged entry.
            file.Write(db => db.GetCollection("log").Insert(new BsonDocument { ["_id"] = 5L, ["last"] = long.MaxValue, ["d"] = records }));
        }

        using var store = new LiteDbOutcomeStore(OpenFile());
        Assert.Equal(5, store.LastSequence);
    }

    [Fact]
    public void AcknowledgedEntriesNotYetInLiteDb_AreRecordedAtTheNextStart_UnderTheKeyInTheFile()
    {
        // Entries 1 to 4 flushed (acknowledged); LiteDB has taken 1 and 2 only when the process dies.
        using (var journal = new MappedAnswerJournal(JournalFile, 1))
        using (var store = new LiteDbOutcomeStore(OpenFile()))
        {
            journal.Reset();
            var batches = Enumerable.Range(1, 4).Select(i => new ScoredBatch([Refusal(i, "tx-" + i)])).ToArray();
            var journaled = batches.Select(b => b with { Journaled = journal.Append(b) }).ToArray();
            journal.Flush();
            store.Commit(journaled[..2]);
            journal.Committed(2);
        }

        using var reopenedJournal = new MappedAnswerJournal(JournalFile, 1);
        using var reopened = new LiteDbOutcomeStore(OpenFile());
        Assert.Equal(2, reopened.LastSequence);
        var recovery = reopened.Recover(reopenedJournal.Uncommitted(reopened.LastSequence));

        Assert.Equal(2, recovery.Recorded);
        Assert.Equal(4, reopened.LastSequence);
        Assert.Equal(["tx-1", "tx-2", "tx-3", "tx-4"], reopened.ReadAfter(0, 100).Select(o => o.TransactionId));

        // Only once LiteDB has all of it is the journal emptied; then nothing of it is recorded again.
        reopenedJournal.Reset();
        Assert.Empty(reopenedJournal.Uncommitted(0));
    }

    [Fact]
    public async Task AFullRing_RefusesTheBatchWithoutTakingSpace_AndTakesItOnceLiteDbReleasesSome()
    {
        using var journal = new MappedAnswerJournal(JournalFile, 1);
        var correlation = new byte[16 * 1024];
        long sequence = 0;
        while (true)
        {
            try
            {
                journal.Append(new ScoredBatch([Refusal(sequence + 1, "tx", correlation)]));
                sequence++;
            }
            catch (AnswerJournalFullException)
            {
                break;
            }
        }

        Assert.InRange(sequence, 10, 70);

        // The refused batch took nothing: the chain is every entry appended, in order, and still one after the other.
        Assert.Equal(Enumerable.Range(1, (int)sequence).Select(i => (long)i), journal.Uncommitted(0).Select(e => e.First));
        Assert.Throws<AnswerJournalFullException>(() => journal.Append(new ScoredBatch([Refusal(sequence + 1, "tx", correlation)])));

        // The scoring loop's way: wait a little for room, try again; it gets in once LiteDB's commit releases space.
        var waits = 0;
        var appending = Task.Run(() =>
        {
            while (true)
            {
                try
                {
                    return journal.Append(new ScoredBatch([Refusal(sequence + 1, "tx", correlation)]));
                }
                catch (AnswerJournalFullException)
                {
                    Interlocked.Increment(ref waits);
                    journal.WaitForRoom(TimeSpan.FromMilliseconds(50));
                }
            }
        });
        await Eventually.TrueAsync(() => Volatile.Read(ref waits) > 0, "the append waits for room", TimeSpan.FromSeconds(60));
        Assert.False(appending.IsCompleted);

        journal.Committed(2);
        Assert.False((await appending.WaitAsync(TimeSpan.FromSeconds(60))).IsEmpty);
        Assert.Equal(Enumerable.Range(3, (int)sequence - 1).Select(i => (long)i), journal.Uncommitted(2).Select(e => e.First));
    }

    [Fact]
    public void TheJournal_IsAllocatedOnTheDeviceUpFront()
    {
        // A mapped write to a hole the device cannot fill ends the process with SIGBUS: every block is allocated at open.
        using var journal = new MappedAnswerJournal(JournalFile, 4);
        using var stat = Process.Start(new ProcessStartInfo("stat", ["--format=%b %B", JournalFile]) { RedirectStandardOutput = true })!;
        var fields = stat.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        stat.WaitForExit();
        Assert.True(long.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture) * long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture)
            >= 4L * 1024 * 1024, $"allocated: {string.Join(' ', fields)}");
    }
}
