using System.Collections.Concurrent;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The distinct topic filters each session holds, bounded by <see cref="BrokerLimits.MaxSubscriptionsPerSession"/>:
/// MQTTnet keeps every filter for the session's lifetime. A place is taken when the subscription interceptor accepts a
/// filter (so one SUBSCRIBE with many filters cannot slip past the bound), confirmed when MQTTnet adds the subscription
/// (its ClientSubscribedTopic event), and given back when MQTTnet did not add it after all (an empty filter, say: the
/// SUBSCRIBE's handling ended without the event, <see cref="Settle"/>), when it is unsubscribed, or when its session
/// ends. Touched per subscription, never per message.
/// </summary>
internal sealed class SubscriptionQuota(int maxPerSession)
{
    private readonly ConcurrentDictionary<string, Places> _places = new(StringComparer.Ordinal);

    /// <summary>Takes a place for <paramref name="filter"/> in the session of <paramref name="clientId"/>; true as well when it already holds it.</summary>
    public bool TryTake(string clientId, string filter)
    {
        var places = _places.GetOrAdd(clientId, _ => new Places());
        lock (places)
        {
            if (places.Filters.Contains(filter))
            {
                return true;
            }

            if (places.Filters.Count >= maxPerSession)
            {
                return false;
            }

            places.Filters.Add(filter);
            places.Unconfirmed.Add(filter);
            return true;
        }
    }

    /// <summary>MQTTnet added the subscription: its place is kept.</summary>
    public void Confirm(string clientId, string filter)
    {
        if (_places.TryGetValue(clientId, out var places))
        {
            lock (places)
            {
                places.Unconfirmed.Remove(filter);
            }
        }
    }

    /// <summary>MQTTnet is done with a SUBSCRIBE of <paramref name="clientId"/>: the places it did not confirm are given back.</summary>
    public void Settle(string clientId)
    {
        if (_places.TryGetValue(clientId, out var places))
        {
            lock (places)
            {
                foreach (var filter in places.Unconfirmed)
                {
                    places.Filters.Remove(filter);
                }

                places.Unconfirmed.Clear();
            }
        }
    }

    public void Release(string clientId, string filter)
    {
        if (_places.TryGetValue(clientId, out var places))
        {
            lock (places)
            {
                places.Filters.Remove(filter);
                places.Unconfirmed.Remove(filter);
            }
        }
    }

    /// <summary>The session is gone (deleted, expired, or replaced by a clean start), and its subscriptions with it.</summary>
    public void SessionEnded(string clientId) => _places.TryRemove(clientId, out _);

    private sealed class Places
    {
        public HashSet<string> Filters { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Unconfirmed { get; } = new(StringComparer.Ordinal);
    }
}
