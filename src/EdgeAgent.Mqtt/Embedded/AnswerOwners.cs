using System.Collections.Concurrent;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Which clients own which answer topics: a client owns a topic it subscribed to exactly, without wildcards, as a
/// terminal subscribes to its response or decisions topic. Wildcard subscribers (a dashboard on
/// <c>pos/+/+/decisions</c>) still receive answers as they are published, but neither take an answer away from its
/// terminal nor count as its delivery. Subscriptions belong to sessions, so ownership ends with the session.
/// Reads are lock-free (one per answer published, one per answer sent); changes, per subscription, take a lock.
/// </summary>
internal sealed class AnswerOwners
{
    private readonly ConcurrentDictionary<string, int> _ownersByTopic = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _topicsByClient = new(StringComparer.Ordinal);
    private readonly Lock _changes = new();

    public static bool IsExact(string topicFilter) => topicFilter.AsSpan().IndexOfAny('+', '#') < 0;

    public bool HasOwner(string topic) => _ownersByTopic.TryGetValue(topic, out var owners) && owners > 0;

    public bool IsOwner(string clientId, string topic) => _topicsByClient.TryGetValue(clientId, out var topics) && topics.ContainsKey(topic);

    /// <summary>Records an exact subscription; false for a wildcard filter, which owns nothing.</summary>
    public bool Subscribed(string clientId, string topicFilter)
    {
        if (!IsExact(topicFilter))
        {
            return false;
        }

        lock (_changes)
        {
            if (_topicsByClient.GetOrAdd(clientId, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal)).TryAdd(topicFilter, 0))
            {
                _ownersByTopic.AddOrUpdate(topicFilter, 1, (_, owners) => owners + 1);
            }
        }

        return true;
    }

    public void Unsubscribed(string clientId, string topicFilter)
    {
        lock (_changes)
        {
            if (_topicsByClient.TryGetValue(clientId, out var topics) && topics.TryRemove(topicFilter, out _))
            {
                Release(topicFilter);
            }
        }
    }

    /// <summary>The client's session is gone (deleted, expired, or replaced by a clean start): so are its subscriptions.</summary>
    public void SessionEnded(string clientId)
    {
        lock (_changes)
        {
            if (_topicsByClient.TryRemove(clientId, out var topics))
            {
                foreach (var topic in topics.Keys)
                {
                    Release(topic);
                }
            }
        }
    }

    private void Release(string topic)
    {
        if (_ownersByTopic.AddOrUpdate(topic, 0, (_, owners) => owners - 1) <= 0)
        {
            _ownersByTopic.TryRemove(new KeyValuePair<string, int>(topic, 0));
        }
    }
}
