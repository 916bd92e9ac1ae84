using System.Buffers;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The answers each terminal is owed, by the client id that sent the payment: kept (durably, in the
/// <see cref="IOwedAnswerStore"/>) from the moment the answer is given until that client acknowledges it, and offered
/// to that client's session, and no other, whenever it subscribes to a filter the answer's topic matches. An observer
/// subscribed to the same topic receives live answers but never takes one away or counts as its delivery. Bounded per
/// client (<see cref="BrokerLimits.OwedAnswersPerClient"/>), in all (<see cref="BrokerLimits.OwedAnswersTotal"/>: a
/// client with a random id that never subscribes must not keep its answers for days at the expense of memory) and by
/// age; the oldest go first, each counted.
/// </summary>
internal sealed class OwedAnswers(IOwedAnswerStore store, BrokerContext context, MqttQualityOfServiceLevel answerQos)
{
    private readonly Dictionary<string, SortedDictionary<long, OwedAnswer>> _byClient = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, OwedAnswer> _all = [];
    private int _count;

    public bool IsDurable => store.IsDurable;

    public int Count => Volatile.Read(ref _count);

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

            Add(new OwedAnswer(entry.ClientId, entry.Topic, entry.Correlation, entry.Payload, answerQos, entry.GivenAt) { Id = entry.Id });
            restored++;
        }

        return restored;
    }

    /// <summary>The answer is owed to <paramref name="payer"/> from now on; the task completes once that survives a crash.</summary>
    public (OwedAnswer Answer, Task Durable) Owe(string payer, string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, DateTimeOffset answeredAt)
    {
        // A copy: the pipeline's answer buffer is not held for as long as an answer may be owed.
        var answer = new OwedAnswer(payer, topic, correlationData, payload.ToArray(), answerQos, answeredAt);
        var (id, durable) = store.Owe(payer, topic, correlationData, payload, answeredAt);
        answer.Id = id;
        Add(answer);
        return (answer, durable);
    }

    /// <summary>Its payer acknowledged it (or took it at QoS 0), or a bound dropped it: owed no more.</summary>
    public void Settle(OwedAnswer answer)
    {
        lock (_byClient)
        {
            if (!_byClient.TryGetValue(answer.Payer, out var owed) || !owed.Remove(answer.Id))
            {
                return;
            }

            _all.Remove(answer.Id);
            _count--;
            if (owed.Count == 0)
            {
                _byClient.Remove(answer.Payer);
            }
        }

        store.Settle(answer.Id);
    }

    /// <summary>
    /// MQTTnet wrote <paramref name="publish"/> to the connection of <paramref name="clientId"/>: an answer owed to that
    /// client with the same topic and bytes is on the wire now (its PUBACK may go), and settled if it went at QoS 0.
    /// </summary>
    public void Written(string clientId, MqttPublishPacket publish)
    {
        if (Count == 0 || Find(clientId, publish.Topic, publish.Payload, forWrite: true) is not { } answer)
        {
            return;
        }

        answer.MarkWritten();
        if (publish.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce)
        {
            Settle(answer); // at most once: handed to the connection is all QoS 0 promises
        }
    }

    /// <summary>
    /// <paramref name="clientId"/> acknowledged <paramref name="publish"/> (MQTTnet's ClientAcknowledgedPublishPacket event).
    /// An answer its payer acknowledged was written, whichever comes first here: a quick terminal's PUBACK can be read
    /// before the send loop has told <see cref="Written"/>, and the payment's PUBACK must not wait for that then.
    /// </summary>
    public void Acknowledged(string clientId, MqttPublishPacket publish)
    {
        if (Count != 0 && Find(clientId, publish.Topic, publish.Payload, forWrite: false) is { } answer)
        {
            answer.MarkWritten();
            Settle(answer);
        }
    }

    /// <summary>What <paramref name="clientId"/> is owed on topics <paramref name="topicFilter"/> matches, oldest first.</summary>
    public List<OwedAnswer> For(string clientId, string topicFilter)
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
        List<OwedAnswer> expired = [];
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

    /// <summary>
    /// The oldest answer owed to <paramref name="clientId"/> with this topic and these bytes. A terminal that pays again
    /// with the same transaction gets the same bytes, and may still be owed the first copy (read back after a restart,
    /// say): with <paramref name="forWrite"/>, the copy being published now is preferred, then one not yet written, so
    /// that the write releases the PUBACK that waits for it.
    /// </summary>
    private OwedAnswer? Find(string clientId, string topic, in ReadOnlySequence<byte> payload, bool forWrite)
    {
        lock (_byClient)
        {
            if (!_byClient.TryGetValue(clientId, out var owed))
            {
                return null;
            }

            OwedAnswer? first = null;
            OwedAnswer? unwritten = null;
            foreach (var answer in owed.Values)
            {
                if (!answer.Matches(topic, payload))
                {
                    continue;
                }

                if (!forWrite)
                {
                    return answer;
                }

                if (answer.Publishing && !answer.Written.IsCompleted)
                {
                    return answer;
                }

                first ??= answer;
                if (!answer.Written.IsCompleted)
                {
                    unwritten ??= answer;
                }
            }

            return unwritten ?? first;
        }
    }

    private void Add(OwedAnswer answer)
    {
        OwedAnswer? overClient = null;
        OwedAnswer? overTotal = null;
        lock (_byClient)
        {
            if (!_byClient.TryGetValue(answer.Payer, out var owed))
            {
                _byClient[answer.Payer] = owed = [];
            }

            owed[answer.Id] = answer;
            _all[answer.Id] = answer;
            _count++;
            if (owed.Count > context.Limits.OwedAnswersPerClient)
            {
                overClient = owed.Values.First();
            }
            else if (_count > context.Limits.OwedAnswersTotal)
            {
                overTotal = _all.Values.First();
            }
        }

        if (overClient is not null)
        {
            // A terminal that never takes its answers (it does not subscribe, or not on this client id): its oldest goes.
            Settle(overClient);
            context.Refusals.Report(RefusalReason.OwedAnswerLimit, null);
        }
        else if (overTotal is not null)
        {
            // Many clients that never take their answers (random client ids, one payment each): the oldest of all goes.
            Settle(overTotal);
            context.Refusals.Report(RefusalReason.OwedAnswerTotalLimit, null);
        }
    }
}
