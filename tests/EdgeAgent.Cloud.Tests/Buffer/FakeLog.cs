using EdgeAgent.Core.Records;

namespace EdgeAgent.Cloud.Tests.Buffer;

/// <summary>An in-memory record read as a log, with a journal boundary that deletion may not cross.</summary>
internal sealed class FakeLog : IOutcomeLog
{
    private readonly List<RecordedOutcome> _records = [];

    public long LastSequence => _records.Count == 0 ? 0 : _records[^1].Sequence;

    /// <summary>The last state snapshot: DeleteUpTo never goes past it.</summary>
    public long Snapshot { get; set; } = long.MaxValue;

    public event Action<long>? Committed;

    public IReadOnlyList<RecordedOutcome> All => _records;

    public void Add(int count, DateTimeOffset at, string decision = "approve")
    {
        for (var i = 0; i < count; i++)
        {
            var sequence = LastSequence + 1;
            _records.Add(new RecordedOutcome
            {
                Sequence = sequence,
                Status = "scored",
                TransactionId = "tx-" + sequence,
                StoreId = "s1",
                TerminalId = "t1",
                ReceivedAt = at,
                Amount = 12.5m,
                Currency = "EUR",
                CardToken = "k1.token",
                Features = [1f, 2.5f, 0f],
                Score = 0.1,
                Decision = decision,
                Model = "m",
                ModelVersion = "1",
                LatencyMs = 1.2,
            });
        }

        Committed?.Invoke(LastSequence);
    }

    /// <summary>Records that differ as real ones do (card tokens, transaction ids, features): they compress as real ones, not to nothing.</summary>
    public void AddVaried(int count, DateTimeOffset at, int seed = 7)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var sequence = LastSequence + 1;
            _records.Add(new RecordedOutcome
            {
                Sequence = sequence,
                Status = "scored",
                TransactionId = Convert.ToHexStringLower(random.GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 16)),
                StoreId = "s1",
                TerminalId = "t" + random.Next(8),
                ReceivedAt = at.AddMilliseconds(sequence * 20),
                EventTime = at.AddMilliseconds(sequence * 20),
                Amount = random.Next(100, 50_000) / 100m,
                Currency = "EUR",
                CardToken = "k1." + Convert.ToBase64String(random.GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 18)).Replace('+', '-').Replace('/', '_'),
                Features = Enumerable.Range(0, 22).Select(_ => (float)(random.NextDouble() * 10)).ToArray(),
                Score = random.NextDouble(),
                Decision = "approve",
                Model = "m",
                ModelVersion = "1",
                LatencyMs = random.NextDouble() * 5,
            });
        }

        Committed?.Invoke(LastSequence);
    }

    public IReadOnlyList<RecordedOutcome> ReadAfter(long sequence, int max) => _records.Where(r => r.Sequence > sequence).Take(max).ToList();

    public int DeleteUpTo(long sequence) => _records.RemoveAll(r => r.Sequence <= Math.Min(sequence, Snapshot));
}
