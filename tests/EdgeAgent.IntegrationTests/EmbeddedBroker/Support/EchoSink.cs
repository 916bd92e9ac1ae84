using System.Collections.Concurrent;
using System.Text;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Mqtt.Embedded;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

/// <summary>
/// A pipeline stand-in for broker-level tests: answers every payment at once (on its response topic, else on its
/// terminal's decisions topic), records the answer as the record would, then acknowledges. It can also hold every
/// payment unacknowledged, or record without publishing: the two moments a crash can strike.
/// </summary>
internal sealed class EchoSink : IInboundSink
{
    private int _sequence;

    public IAnswerPublisher? Publisher { get; set; }

    /// <summary>Where answers are recorded, as the agent's record would keep them.</summary>
    public InMemoryRecentAnswerSource? Record { get; set; }

    public SinkMode Mode { get; set; } = SinkMode.Answer;

    /// <summary>Publishes each answer for its payment, as the pipeline does, rather than to its topic alone.</summary>
    public bool ByPayment { get; set; }

    public ConcurrentQueue<InboundMessage> Received { get; } = new();

    /// <summary>When set, every payment waits for it before it is answered and recorded: a record that takes its time (a stalled device).</summary>
    public Task? Paused { get; set; }

    /// <summary>Payments per commit group in <see cref="SinkMode.Group"/>.</summary>
    public int GroupSize { get; set; } = 2;

    private readonly List<InboundMessage> _group = [];

    public static string AnswerTopicOf(InboundMessage message) =>
        message.ResponseTopic ?? message.Topic[..^"payments".Length] + "decisions";

    public async ValueTask EnqueueAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        Received.Enqueue(message);
        if (Paused is { } paused)
        {
            await paused.WaitAsync(cancellationToken);
        }

        if (Mode == SinkMode.Hold)
        {
            return; // never acknowledged: the terminal's PUBACK waits until the broker goes away
        }

        if (Mode == SinkMode.Group)
        {
            await CommitAsGroupAsync(message, cancellationToken);
            return;
        }

        var answer = Encoding.UTF8.GetBytes($$"""{"answer":{{Interlocked.Increment(ref _sequence)}},"length":{{message.Length}}}""");
        var topic = AnswerTopicOf(message);
        Record?.Add(new RecentAnswer(topic, message.CorrelationData, answer, DateTimeOffset.UtcNow));
        if (Mode == SinkMode.Answer)
        {
            // As the pipeline does: the answer is published for its payment, so the broker knows whose it is.
            await (ByPayment
                ? Publisher!.PublishAsync(message, topic, message.CorrelationData, answer, cancellationToken)
                : Publisher!.PublishAsync(topic, message.CorrelationData, answer, cancellationToken));
        }

        await message.Settlement.AcknowledgeAsync(cancellationToken);
    }

    private async Task CommitAsGroupAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        List<InboundMessage> group;
        lock (_group)
        {
            _group.Add(message);
            if (_group.Count < GroupSize)
            {
                return;
            }

            group = [.. _group];
            _group.Clear();
        }

        var published = new List<Task>();
        foreach (var payment in group)
        {
            var answer = Encoding.UTF8.GetBytes($$"""{"answer":{{Interlocked.Increment(ref _sequence)}},"length":{{payment.Length}}}""");
            published.Add(Publisher!.PublishAsync(payment, AnswerTopicOf(payment), payment.CorrelationData, answer, cancellationToken));
        }

        for (var i = 0; i < group.Count; i++)
        {
            await published[i];
            await group[i].Settlement.AcknowledgeAsync(cancellationToken);
        }
    }
}
