using System.Collections.Concurrent;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The distinct topic filters each session holds, bounded by <see cref="BrokerLimits.MaxSubscriptionsPerSession"/>:
/// MQTTnet keeps every filter for the session's lifetime, and so does <see cref="AnswerOwners"/> for exact ones. A filter
/// is taken when the subscription is accepted (so one SUBSCRIBE with many filters cannot slip past the bound) and given
/// back when it is unsubscribed or its session ends. Touched per subscription, never per message.
/// </summary>
internal sealed class SubscriptionQuota(int maxPerSession)
{
    private readonly ConcurrentDictionary<string, HashSet<string>> _filters = new(StringComparer.Ordinal);

    /// <summary>Takes a place for <paramref name="filter"/> in the session of <paramref name="clientId"/>; true as well when it already holds it.</summary>
    public bool TryTake(string clientId, string filter)
    {
        var filters = _filters.GetOrAdd(clientId, _ => new HashSet<string>(StringComparer.Ordinal));
        lock (filters)
        {
            return filters.Contains(filter) || (filters.Count < maxPerSession && filters.Add(filter));
        }
    }

    public void Release(string clientId, string filter)
    {
        if (_filters.TryGetValue(clientId, out var filters))
        {
            lock (filters)
            {
                filters.Remove(filter);
            }
        }
    }

    /// <summary>The session is gone (deleted, expired, or replaced by a clean start), and its subscriptions with it.</summary>
    public void SessionEnded(string clientId) => _filters.TryRemove(clientId, out _);
}
