using MQTTnet.Packets;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Gets answers to terminals that were not listening when they were published. An answer goes into
/// <see cref="UndeliveredAnswers"/> when no subscription matched it, when it was dropped from a full client queue, or
/// when the connection it was sent on ended before the client acknowledged it (<see cref="BrokerConnection"/>); and
/// when a client subscribes, the kept answers its filter matches are queued to its session.
/// A subscription that arrives while an answer is being routed may miss it on both sides (MQTTnet took its list of
/// subscribers before, the kept answers were looked at before the answer was kept): a counter of subscriptions tells,
/// and the answer is then routed once more.
/// </summary>
internal sealed class AnswerRedelivery(BrokerContext context)
{
    private const int MaxReroutes = 3;
    private long _subscriptions;
    private MqttServer? _server;

    public long Subscriptions => Volatile.Read(ref _subscriptions);

    public void Attach(MqttServer server) => _server = server;

    /// <summary>Called as an answer is published, before it is routed.</summary>
    public void Publishing(TrackedAnswer answer) => answer.SubscriptionEpoch = Volatile.Read(ref _subscriptions);

    /// <summary>Answers read back from the record at start: kept until their terminals subscribe.</summary>
    public int Restore(IEnumerable<TrackedAnswer> answers)
    {
        var kept = 0;
        foreach (var answer in answers)
        {
            kept += context.Undelivered.Keep(answer) ? 1 : 0;
        }

        return kept;
    }

    public async Task OnNotConsumedAsync(ApplicationMessageNotConsumedEventArgs e)
    {
        if (TrackedAnswer.Of(e.ApplicationMessage.Payload) is not { } answer || !context.Undelivered.Keep(answer))
        {
            return;
        }

        var now = Volatile.Read(ref _subscriptions);
        if (now != answer.SubscriptionEpoch && answer.Reroutes < MaxReroutes && context.Undelivered.TryTake(answer) && _server is { } server)
        {
            answer.Reroutes++;
            answer.SubscriptionEpoch = now;
            await server.InjectApplicationMessage(
                new InjectedMqttApplicationMessage(answer.Message) { SenderClientId = EmbeddedBrokerIngest.AgentClientId }, CancellationToken.None);
        }
    }

    public Task OnQueueOverwrittenAsync(QueueMessageOverwrittenEventArgs e)
    {
        if (e.Packet is MqttPublishPacket publish && TrackedAnswer.Of(publish.Payload) is { } answer)
        {
            context.Undelivered.Keep(answer);
        }

        return Task.CompletedTask;
    }

    public async Task OnSubscribedAsync(ClientSubscribedTopicEventArgs e)
    {
        // The subscription is already in MQTTnet's routing when this runs: count it first, then look at what is kept.
        Interlocked.Increment(ref _subscriptions);
        if (context.Undelivered.Take(e.TopicFilter.Topic) is not { } answers || _server is not { } server)
        {
            return;
        }

        MqttSessionStatus session;
        try
        {
            session = await server.GetSessionAsync(e.ClientId);
        }
        catch (InvalidOperationException)
        {
            Restore(answers); // the session went away meanwhile
            return;
        }

        var delivered = 0;
        foreach (var answer in answers)
        {
            answer.MarkPending();
            if (session.TryEnqueueApplicationMessage(answer.ForSubscription(e.TopicFilter.QualityOfServiceLevel), out _))
            {
                delivered++;
            }
            else
            {
                context.Undelivered.Keep(answer);
            }
        }

        context.Metrics.AnswersRedelivered(delivered);
    }
}
