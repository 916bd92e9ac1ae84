using EdgeAgent.Mqtt.Embedded;
using EdgeAgent.Storage.Answers;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

/// <summary>The agent's store of owed answers (<see cref="OwedAnswerFile"/>) in a test's folder, opened again at each restart.</summary>
internal sealed class FolderOwedAnswers(string folder) : IOwedAnswerStore, IDisposable
{
    private readonly OwedAnswerFile _file = OwedAnswerFile.Open(folder);

    public bool IsDurable => true;

    public IReadOnlyList<OwedAnswerEntry> Outstanding() =>
        [.. _file.Outstanding().Select(a => new OwedAnswerEntry(a.Id, a.ClientId, a.Topic, a.Correlation, a.Payload, a.GivenAt))];

    public (long Id, Task Durable) Owe(string clientId, string topic, byte[]? correlation, ReadOnlyMemory<byte> payload, DateTimeOffset givenAt)
    {
        var (answer, durable) = _file.Owe(clientId, topic, correlation, payload.Span, givenAt);
        return (answer.Id, durable);
    }

    public void Settle(long id) => _file.Settle(id);

    public void Dispose() => _file.Dispose();
}
