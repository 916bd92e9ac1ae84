using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The answers each terminal is owed, by the client id that sent the payment: kept (durably, in the
/// <see cref="IOwedAnswerStore"/>) from the moment the answer is given until that client acknowledges it, and offered
/// to that client's session, and no other, whenever it subscribes to a filter the answer's topic matches. An observer
/// subscribed to the same topic receives live answers but never takes one away or counts as its delivery. Bounded per
/// client (the oldest goes, counted) and by age, never globally: one terminal's backlog cannot push out another's.
/// </summary>
internal sealed class OwedAnswers(IOwedAnswerStore store, BrokerContext context, MqttQualityOfServiceLevel answerQos)
{
    private readonly Dictionary<string, SortedDictionary<long, TrackedAnswer>> _byClient = new(StringComparer.Ordinal);

    public bool IsDurable => store.IsDurable;

    public int Count
    {
        get
        {
            lock (_byClient)
            {
                return _byClient.Values.Sum(a => a.Count);
            }
        }
    }

    /// <summary>Reads back what was owed when the agent stopped or crashed; called before the broker accepts connections.</summary>
    public int Restore()
    {
        var restored = 0;
        foreach (var entry in store.Outstanding())
        {
            if (!AnswerTopics.IsValid(entry.Topic))
            {
                store.Settle(entry.Id);
                continue;
            }

            var answer = new TrackedAnswer(entry.Topic, entry.Correlation, entry.Payload, answerQos, entry.GivenAt, entry.ClientId) { OwedId = entry.Id };
            Add(answer);
            restored++;
        }

        return restored;
    }

    /// <summary>The answer is owed to its payer from now on; the task completes once that survives a crash.</summary>
    public Task Owe(TrackedAnswer answer)
    {
        var (id, durable) = store.Owe(answer.Payer!, answer.Topic, answer.Message.CorrelationData, answer.Memory, answer.AnsweredAt);
        answer.OwedId = id;
        Add(answer);
        return durable;
    }

    /// <summary>Its payer acknowledged it (or took it at QoS 0): owed no more.</summary>
    public void Settle(TrackedAnswer answer)
    {
        if (answer.OwedId == 0 || answer.Payer is not { } payer)
        {
            return;
        }

        lock (_byClient)
        {
            if (!_byClient.TryGetValue(payer, out var owed) || !owed.Remove(answer.OwedId))
            {
                return;
            }

            if (owed.Count == 0)
            {
                _byClient.Remove(payer);
            }
        }

        store.Settle(answer.OwedId);
    }

    /// <summary>What <paramref name="clientId"/> is owed on topics <paramref name="topicFilter"/> matches, oldest first.</summary>
    public List<TrackedAnswer> For(string clientId, string topicFilter)
    {
        lock (_byClient)
        {
            return _byClient.TryGetValue(clientId, out var owed)
                ? [.. owed.Values.Where(a => MqttTopicFilterComparer.Compare(a.Topic, topicFilter) == MqttTopicFilterCompareResult.IsMatch)]
                : [];
        }
    }

    /// <summary>Drops what has been owed longer than the limit (a terminal that never came back), counted.</summary>
    public void Expire()
    {
        var oldest = context.Time.GetUtcNow() - context.Limits.OwedAnswerAge;
        List<TrackedAnswer> expired = [];
        lock (_byClient)
        {
            foreach (var owed in _byClient.Values)
            {
                expired.AddRange(owed.Values.Where(a => a.AnsweredAt < oldest));
            }
        }

        foreach (var answer in expired)
        {
            Settle(answer);
            context.Refusals.Report(RefusalReason.OwedAnswerExpired, null);
        }
    }

    private void Add(TrackedAnswer answer)
    {
        TrackedAnswer? dropped = null;
        lock (_byClient)
        {
            if (!_byClient.TryGetValue(answer.Payer!, out var owed))
            {
                _byClient[answer.Payer!] = owed = [];
            }

            owed[answer.OwedId] = answer;
            if (owed.Count > context.Limits.OwedAnswersPerClient)
            {
                dropped = owed.Values.First();
            }
        }

        if (dropped is not null)
        {
            // A terminal that never takes its answers (it does not subscribe, or not on this client id): the oldest goes.
            Settle(dropped);
            context.Refusals.Report(RefusalReason.OwedAnswerLimit, null);
        }
    }
}
