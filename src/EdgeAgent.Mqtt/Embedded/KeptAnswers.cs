using MQTTnet;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Answers without a payer (published for no payment of this broker) that no session was subscribed for when they were
/// injected (MQTTnet's ApplicationMessageNotConsumed event), and, where owed answers are not kept durably, the recent
/// answers the record gives back at start: kept for the next exact subscription to their topic. Bounded by count (the
/// oldest go first) and by age; every one dropped is counted. Touched only for answers nobody took and on subscriptions,
/// never on the normal path. Answers to payments are owed to their payer instead (<see cref="OwedAnswers"/>).
/// </summary>
internal sealed class KeptAnswers(int maxCount, TimeSpan maxAge, TimeProvider time, BrokerMetrics metrics)
{
    private readonly LinkedList<Kept> _order = new();
    private readonly Dictionary<string, List<LinkedListNode<Kept>>> _byTopic = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_order)
            {
                return _order.Count;
            }
        }
    }

    public void Keep(MqttApplicationMessage answer, DateTimeOffset answeredAt)
    {
        if (maxCount == 0)
        {
            return;
        }

        lock (_order)
        {
            var node = _order.AddLast(new Kept(answer, answeredAt));
            if (!_byTopic.TryGetValue(answer.Topic, out var sameTopic))
            {
                _byTopic[answer.Topic] = sameTopic = [];
            }

            sameTopic.Add(node);
            Drop(time.GetUtcNow() - maxAge);
        }

        metrics.AnswerHeld();
    }

    /// <summary>Drops what is older than the retention (counted); run by the broker's maintenance.</summary>
    public void Expire()
    {
        lock (_order)
        {
            Drop(time.GetUtcNow() - maxAge);
        }
    }

    /// <summary>The kept answers of <paramref name="topic"/>, oldest first, which are kept no longer.</summary>
    public List<MqttApplicationMessage> Take(string topic)
    {
        lock (_order)
        {
            Drop(time.GetUtcNow() - maxAge);
            if (!_byTopic.Remove(topic, out var nodes))
            {
                return [];
            }

            foreach (var node in nodes)
            {
                _order.Remove(node);
            }

            return nodes.ConvertAll(n => n.Value.Message);
        }
    }

    private void Drop(DateTimeOffset olderThan)
    {
        while (_order.First is { } first && (_order.Count > maxCount || first.Value.AnsweredAt < olderThan))
        {
            metrics.AnswerDropped(_order.Count > maxCount ? "evicted" : "expired");
            _order.RemoveFirst();
            var sameTopic = _byTopic[first.Value.Message.Topic];
            sameTopic.Remove(first);
            if (sameTopic.Count == 0)
            {
                _byTopic.Remove(first.Value.Message.Topic);
            }
        }
    }

    private sealed record Kept(MqttApplicationMessage Message, DateTimeOffset AnsweredAt);
}
