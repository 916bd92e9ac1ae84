using MQTTnet;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Answers that reached no subscriber yet, kept for the next subscription that matches them: bounded by count (the
/// oldest go first) and by age, and every one dropped is counted. Touched only when an answer was missed or a client
/// subscribes, never for an answer delivered in the normal way, so one lock is enough.
/// </summary>
internal sealed class UndeliveredAnswers
{
    private readonly LinkedList<TrackedAnswer> _order = new();
    private readonly Dictionary<TrackedAnswer, LinkedListNode<TrackedAnswer>> _nodes = new(ReferenceEqualityComparer.Instance);
    private readonly int _maxCount;
    private readonly TimeSpan _maxAge;
    private readonly TimeProvider _time;
    private readonly BrokerMetrics _metrics;

    public UndeliveredAnswers(BrokerLimits limits, TimeProvider time, BrokerMetrics metrics)
    {
        _maxCount = limits.AnswerRetentionCount;
        _maxAge = limits.AnswerRetention;
        _time = time;
        _metrics = metrics;
    }

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

    /// <summary>Keeps an answer that no subscriber took; false when it was delivered meanwhile, is already kept, or nothing may be kept.</summary>
    public bool Keep(TrackedAnswer answer)
    {
        if (answer.IsDelivered || _maxCount == 0)
        {
            return false;
        }

        lock (_order)
        {
            if (_nodes.ContainsKey(answer))
            {
                return false;
            }

            _nodes[answer] = _order.AddLast(answer);
            while (_order.Count > _maxCount)
            {
                Remove(_order.First!);
                _metrics.AnswerDropped("evicted");
            }
        }

        _metrics.AnswerHeld();
        return true;
    }

    /// <summary>Takes out every kept answer that <paramref name="topicFilter"/> matches, oldest first; null when there is none.</summary>
    public List<TrackedAnswer>? Take(string topicFilter)
    {
        var exact = topicFilter.AsSpan().IndexOfAny('+', '#') < 0;
        List<TrackedAnswer>? taken = null;
        lock (_order)
        {
            for (var node = _order.First; node is not null;)
            {
                var next = node.Next;
                var answer = node.Value;
                if (answer.IsDelivered)
                {
                    Remove(node);
                }
                else if (exact
                    ? string.Equals(answer.Topic, topicFilter, StringComparison.Ordinal)
                    : MqttTopicFilterComparer.Compare(answer.Topic, topicFilter) == MqttTopicFilterCompareResult.IsMatch)
                {
                    Remove(node);
                    (taken ??= []).Add(answer);
                }

                node = next;
            }
        }

        return taken;
    }

    /// <summary>Takes out one answer if it is kept.</summary>
    public bool TryTake(TrackedAnswer answer)
    {
        lock (_order)
        {
            if (!_nodes.TryGetValue(answer, out var node))
            {
                return false;
            }

            Remove(node);
            return true;
        }
    }

    /// <summary>Drops the answers older than the retention (counted), and those some subscriber took meanwhile.</summary>
    public void Expire()
    {
        var oldest = _time.GetUtcNow() - _maxAge;
        lock (_order)
        {
            for (var node = _order.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.IsDelivered)
                {
                    Remove(node);
                }
                else if (node.Value.AnsweredAt < oldest)
                {
                    Remove(node);
                    _metrics.AnswerDropped("expired");
                }

                node = next;
            }
        }
    }

    private void Remove(LinkedListNode<TrackedAnswer> node)
    {
        _nodes.Remove(node.Value);
        _order.Remove(node);
    }
}
