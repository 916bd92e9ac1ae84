namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Sessions and open connections per identity, bounded by <see cref="BrokerLimits.MaxSessionsPerIdentity"/> and
/// <see cref="BrokerLimits.MaxConnectionsPerIdentity"/>. An identity may use many client ids (<c>{name}:{anything}</c>);
/// without this one of them could fill the broker's session cap, whose sweep then deletes other terminals' sessions.
/// A CONNECT for a client id the identity already has a session for (a reconnection, a takeover) never needs a new
/// session place. Identities shared by unrelated clients (<see cref="BrokerIdentity.Shared"/>) are bounded only by the
/// broker-wide caps. Touched per CONNECT and per session end, under one lock.
/// </summary>
internal sealed class IdentityQuota(BrokerLimits limits)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _identityOfSession = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _connections = new(StringComparer.Ordinal);

    /// <summary>Admits a connection of <paramref name="identity"/> as <paramref name="clientId"/>, or says which bound it would pass.</summary>
    public RefusalReason? TryAdmit(BrokerIdentity identity, string clientId)
    {
        if (identity.Shared)
        {
            return null;
        }

        var name = identity.Name;
        lock (_lock)
        {
            var connections = _connections.GetValueOrDefault(name);
            if (connections >= limits.MaxConnectionsPerIdentity)
            {
                return RefusalReason.IdentityConnectionLimit;
            }

            var newSession = !_identityOfSession.ContainsKey(clientId);
            if (newSession && _sessions.GetValueOrDefault(name) >= limits.MaxSessionsPerIdentity)
            {
                return RefusalReason.IdentitySessionLimit;
            }

            if (newSession)
            {
                _identityOfSession[clientId] = name;
                _sessions[name] = _sessions.GetValueOrDefault(name) + 1;
            }

            _connections[name] = connections + 1;
            return null;
        }
    }

    /// <summary>An admitted connection ended (its session may live on).</summary>
    public void ConnectionEnded(BrokerIdentity identity)
    {
        if (identity.Shared)
        {
            return;
        }

        lock (_lock)
        {
            Decrement(_connections, identity.Name);
        }
    }

    /// <summary>The session of <paramref name="clientId"/> was deleted (expired, evicted, or it ended with its connection).</summary>
    public void SessionEnded(string clientId)
    {
        lock (_lock)
        {
            if (_identityOfSession.Remove(clientId, out var name))
            {
                Decrement(_sessions, name);
            }
        }
    }

    private static void Decrement(Dictionary<string, int> counts, string name)
    {
        if (counts.TryGetValue(name, out var count))
        {
            if (count <= 1)
            {
                counts.Remove(name);
            }
            else
            {
                counts[name] = count - 1;
            }
        }
    }
}
