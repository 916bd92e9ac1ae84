namespace EdgeAgent.Mqtt.Embedded;

/// <summary>One answer a terminal is owed, as kept: the client id that sent the payment, the answer's topic and exact bytes.</summary>
public sealed record OwedAnswerEntry(long Id, string ClientId, string Topic, byte[]? Correlation, byte[] Payload, DateTimeOffset GivenAt);

/// <summary>
/// Where the embedded broker keeps the answers terminals are owed until each terminal acknowledges its own. The agent's
/// implementation is a file in its data folder (durable before the payment's PUBACK leaves); an in-memory one stands in
/// where there is none, and lasts as long as the process.
/// </summary>
public interface IOwedAnswerStore
{
    /// <summary>True when what is kept survives the process (a crash, a restart).</summary>
    bool IsDurable { get; }

    /// <summary>What is still owed, read once when the broker starts.</summary>
    IReadOnlyList<OwedAnswerEntry> Outstanding();

    /// <summary>Keeps an owed answer; the task completes once it would survive a crash.</summary>
    (long Id, Task Durable) Owe(string clientId, string topic, byte[]? correlation, ReadOnlyMemory<byte> payload, DateTimeOffset givenAt);

    /// <summary>The answer was acknowledged by its terminal, or dropped by a bound: it is owed no more.</summary>
    void Settle(long id);
}

/// <summary>Owed answers kept in memory only: what a test broker or a record-less agent uses.</summary>
public sealed class InMemoryOwedAnswers : IOwedAnswerStore
{
    private readonly Dictionary<long, OwedAnswerEntry> _owed = [];
    private long _lastId;

    public bool IsDurable => false;

    public IReadOnlyList<OwedAnswerEntry> Outstanding()
    {
        lock (_owed)
        {
            return [.. _owed.Values.OrderBy(a => a.Id)];
        }
    }

    public (long Id, Task Durable) Owe(string clientId, string topic, byte[]? correlation, ReadOnlyMemory<byte> payload, DateTimeOffset givenAt)
    {
        lock (_owed)
        {
            var id = ++_lastId;
            _owed[id] = new OwedAnswerEntry(id, clientId, topic, correlation, payload.ToArray(), givenAt);
            return (id, Task.CompletedTask);
        }
    }

    public void Settle(long id)
    {
        lock (_owed)
        {
            _owed.Remove(id);
        }
    }
}
