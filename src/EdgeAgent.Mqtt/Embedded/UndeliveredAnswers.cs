namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Answers that reached no owner yet (<see cref="AnswerOwners"/>), kept for the next exact subscription to their
/// topic: bounded by count (the oldest go first) and by age, and every one dropped is counted. Touched only when an
/// answer was missed or a client subscribes, never for an answer delivered in the normal way, so one lock is enough.
/// </summary>
internal sealed class UndeliveredAnswers
{
    private readonly LinkedList<TrackedAnswer> _order = new();
    private readonly Dictionary<TrackedAnswer, LinkedListNode<TrackedAnswer>> _nodes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, List<TrackedAnswer>> _byTopic = new(StringComparer.Ordinal);
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

    /// <summary>Keeps an answer no owner took; false when it was delivered meanwhile, is already kept, or nothing may be kept.</summary>
    public bool Keep(TrackedAnswer answer)
    {
        if (answer.IsDelivered || _maxCount == 0 || answer.Payer is not null)
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
            if (!_byTopic.TryGetValue(answer.Topic, out var sameTopic))
            {
                _byTopic[answer.Topic] = sameTopic = [];
            }

            sameTopic.Add(answer);
            while (_order.Count > _maxCount)
            {
                Remove(_order.First!.Value);
                _metrics.AnswerDropped("evicted");
            }
        }

        _metrics.AnswerHeld();
        return true;
    }

    /// <summary>Takes out the kept answers on <paramref name="topic"/>, oldest first, but those delivered meanwhile; null when there is none.</summary>
    public List<TrackedAnswer>? Take(string topic)
    {
        lock (_order)
        {
            if (!_byTopic.Remove(topic, out var answers))
            {
                return null;
            }

            foreach (var answer in answers)
            {
                _order.Remove(_nodes[answer]);
                _nodes.Remove(answer);
            }

            answers.RemoveAll(a => a.IsDelivered);
            return answers.Count > 0 ? answers : null;
        }
    }

    /// <summary>Takes out one answer if it is kept.</summary>
    public bool TryTake(TrackedAnswer answer)
    {
        lock (_order)
        {
            if (!_nodes.ContainsKey(answer))
            {
                return false;
            }

            Remove(answer);
            return true;
        }
    }

    /// <summary>Drops the answers older than the retention (counted), and those an owner took meanwhile.</summary>
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
                    Remove(node.Value);
                }
                else if (node.Value.AnsweredAt < oldest)
                {
                    Remove(node.Value);
                    _metrics.AnswerDropped("expired");
                }

                node = next;
            }
        }
    }

    private void Remove(TrackedAnswer answer)
    {
        _order.Remove(_nodes[answer]);
        _nodes.Remove(answer);
        var sameTopic = _byTopic[answer.Topic];
        sameTopic.Remove(answer);
        if (sameTopic.Count == 0)
        {
            _byTopic.Remove(answer.Topic);
        }
    }
}
