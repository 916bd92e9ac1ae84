using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Gets answers to terminals that were not listening when they were published. An answer is kept in
/// <see cref="UndeliveredAnswers"/> when no client owned its topic as it was published (see <see cref="AnswerOwners"/>),
/// when it was dropped from an owner's full queue, or when the owner's connection ended before it acknowledged it
/// (<see cref="AnswerAcknowledgements"/>); when a client then subscribes to that exact topic, the kept answers are
/// queued to its session. An owner that subscribes while an answer is being routed may miss it on both sides: a
/// counter of exact subscriptions tells, and the answer is then routed once more.
/// </summary>
internal sealed class AnswerRedelivery(BrokerContext context)
{
    private const int MaxReroutes = 3;
    private long _subscriptions;
    private MqttServer? _server;

    public long Subscriptions => Volatile.Read(ref _subscriptions);

    public void Attach(MqttServer server) => _server = server;

    /// <summary>Called as an answer is published: true when some client owns its topic (the common case, nothing more to do).</summary>
    public bool Publishing(TrackedAnswer answer)
    {
        answer.SubscriptionEpoch = Volatile.Read(ref _subscriptions);
        return context.Owners.HasOwner(answer.Topic);
    }

    /// <summary>An answer that had no owner when it was routed: kept, and routed again if an owner subscribed meanwhile.</summary>
    public async Task KeepAsync(TrackedAnswer answer)
    {
        if (!context.Undelivered.Keep(answer))
        {
            return;
        }

        var now = Volatile.Read(ref _subscriptions);
        if (now != answer.SubscriptionEpoch && answer.Reroutes < MaxReroutes && context.Owners.HasOwner(answer.Topic)
            && context.Undelivered.TryTake(answer) && _server is { } server)
        {
            answer.Reroutes++;
            var owned = Publishing(answer);
            await server.InjectApplicationMessage(
                new InjectedMqttApplicationMessage(answer.Message) { SenderClientId = EmbeddedBrokerIngest.AgentClientId }, CancellationToken.None);
            if (!owned)
            {
                await KeepAsync(answer);
            }
        }
    }

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

    /// <summary>No subscriber at all, not even one owning the topic an instant earlier (it left as the answer was routed).</summary>
    public Task OnNotConsumedAsync(ApplicationMessageNotConsumedEventArgs e) =>
        TrackedAnswer.Of(e.ApplicationMessage.Payload) is { } answer ? KeepAsync(answer) : Task.CompletedTask;

    public Task OnQueueOverwrittenAsync(QueueMessageOverwrittenEventArgs e)
    {
        if (e.Packet is MqttPublishPacket { QualityOfServiceLevel: MqttQualityOfServiceLevel.AtMostOnce })
        {
            // A QoS 1 packet dropped from the queue is still held for its PUBACK: SessionMessageBound counts it when it goes.
            context.Refusals.Report(RefusalReason.SessionMessageLimit, null);
        }

        if (e.Packet is MqttPublishPacket publish && TrackedAnswer.Of(publish.Payload) is { } answer && context.Owners.IsOwner(e.ReceiverClientId, answer.Topic))
        {
            context.Undelivered.Keep(answer);
        }

        return Task.CompletedTask;
    }

    public Task OnUnsubscribedAsync(ClientUnsubscribedTopicEventArgs e)
    {
        context.Owners.Unsubscribed(e.ClientId, e.TopicFilter);
        return Task.CompletedTask;
    }

    public Task OnSessionDeletedAsync(SessionDeletedEventArgs e)
    {
        context.SessionEnded(e.Id, replaced: false);
        return Task.CompletedTask;
    }

    public async Task OnSubscribedAsync(ClientSubscribedTopicEventArgs e)
    {
        await DeliverOwedAsync(e);
        // The subscription is already in MQTTnet's routing when this runs: own it and count it first, then look at what is kept.
        if (!context.Owners.Subscribed(e.ClientId, e.TopicFilter.Topic))
        {
            return; // a wildcard subscription receives new answers, not the ones kept for their terminals
        }

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

        SessionMessageBound.Trim(context, session, e.ClientId); // queued straight to the session, past the event that bounds it
        context.Metrics.AnswersRedelivered(delivered);
    }

    /// <summary>
    /// A client subscribed: the answers it is owed on topics the filter matches go to its session (and only there), also
    /// those its session may still hold, which it then gets twice with the same bytes, as QoS 1 allows.
    /// </summary>
    private async Task DeliverOwedAsync(ClientSubscribedTopicEventArgs e)
    {
        if (context.Owed is not { } owed || _server is not { } server)
        {
            return;
        }

        var answers = owed.For(e.ClientId, e.TopicFilter.Topic);
        if (answers.Count == 0)
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
            return; // the session went away meanwhile; the answers stay owed for its next subscription
        }

        var delivered = 0;
        foreach (var answer in answers)
        {
            delivered += session.TryEnqueueApplicationMessage(answer.ForSubscription(e.TopicFilter.QualityOfServiceLevel), out _) ? 1 : 0;
        }

        context.Metrics.AnswersRedelivered(delivered);
    }
}
