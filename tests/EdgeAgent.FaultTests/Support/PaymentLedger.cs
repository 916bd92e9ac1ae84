using System.Collections.Concurrent;
using System.Text.Json;

namespace EdgeAgent.FaultTests.Support;

/// <summary>
/// What the terminals of one test sent and got back: every payment by transaction id, when the broker acknowledged it,
/// every answer that arrived for it (repeats included), and the payments sent again.
/// </summary>
internal sealed class PaymentLedger
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    public int Count => _entries.Count;

    public IEnumerable<string> TransactionIds => _entries.Keys;

    /// <summary>Answers that arrived for a transaction no terminal sent, or on the wrong terminal's topic.</summary>
    public ConcurrentQueue<string> Strays { get; } = new();

    public void Sent(string transactionId, byte[] payload) => _entries.TryAdd(transactionId, new Entry(payload));

    public byte[] Payload(string transactionId) => _entries[transactionId].Payload;

    /// <summary>The broker acknowledged the payment; <paramref name="epoch"/> says in which life of the broker.</summary>
    public void Acknowledged(string transactionId, int epoch) => _entries[transactionId].AckEpoch = epoch;

    public int? AckEpoch(string transactionId) => _entries[transactionId].AckEpoch;

    public void Resent(string transactionId) => Interlocked.Increment(ref _entries[transactionId].Resends);

    public int Resends(string transactionId) => _entries[transactionId].Resends;

    /// <summary>An answer arrived; its transaction id is read from the answer itself.</summary>
    public void Answered(byte[] answer)
    {
        string? transactionId;
        try
        {
            transactionId = JsonDocument.Parse(answer).RootElement.GetProperty("transactionId").GetString();
        }
        catch (JsonException)
        {
            transactionId = null;
        }

        if (transactionId is null || !_entries.TryGetValue(transactionId, out var entry))
        {
            Strays.Enqueue(System.Text.Encoding.UTF8.GetString(answer));
            return;
        }

        lock (entry.Answers)
        {
            entry.Answers.Add(answer);
        }
    }

    public IReadOnlyList<byte[]> AnswersOf(string transactionId)
    {
        var entry = _entries[transactionId];
        lock (entry.Answers)
        {
            return [.. entry.Answers];
        }
    }

    public List<string> Unanswered() => [.. _entries.Where(e => AnswersOf(e.Key).Count == 0).Select(e => e.Key).Order(StringComparer.Ordinal)];

    public int AnswerCount => _entries.Keys.Sum(k => AnswersOf(k).Count);

    /// <summary>Transactions answered more than once with answers that are not all the same, byte for byte.</summary>
    public List<string> DifferingRepeats() =>
        [.. _entries.Keys.Where(k => AnswersOf(k) is { Count: > 1 } all && all.Any(a => !a.AsSpan().SequenceEqual(all[0]))).Order(StringComparer.Ordinal)];

    public int Repeated => _entries.Keys.Count(k => AnswersOf(k).Count > 1);

    /// <summary>A one-line account for failure messages and the test output.</summary>
    public string Summary()
    {
        var unanswered = Unanswered();
        return $"{Count} sent, {unanswered.Count} unanswered ({string.Join(", ", unanswered.Take(10))}), {AnswerCount} answers, "
            + $"{Repeated} answered more than once, {DifferingRepeats().Count} with differing repeats, {_entries.Values.Sum(e => e.Resends)} resent, {Strays.Count} strays";
    }

    private sealed class Entry(byte[] payload)
    {
        public byte[] Payload { get; } = payload;

        public List<byte[]> Answers { get; } = [];

        public int? AckEpoch { get; set; }

        public int Resends;
    }
}
