using System.Collections.Concurrent;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The live connection of each client id, so that the publish path finds the identity the connection authenticated
/// as. MQTTnet's session items outlive a connection (a resumed session keeps the items of the first one), so the
/// identity lives with the connection instead, and leaves with it.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, BrokerConnection> _byClientId = new(StringComparer.Ordinal);

    public int Count => _byClientId.Count;

    /// <summary>The connections now registered (a copy).</summary>
    public ICollection<BrokerConnection> All => _byClientId.Values;

    /// <summary>Registers the connection that was just accepted; it replaces one it takes the session over from.</summary>
    public void Add(string clientId, BrokerConnection connection) => _byClientId[clientId] = connection;

    /// <summary>The connection of a client, while it is connected.</summary>
    public BrokerConnection? Of(string clientId) => _byClientId.TryGetValue(clientId, out var connection) ? connection : null;

    public BrokerIdentity? IdentityOf(string clientId) => _byClientId.TryGetValue(clientId, out var connection) ? connection.Identity : null;

    /// <summary>Removes the connection, unless a newer one holds the client id by now.</summary>
    public void Remove(string clientId, BrokerConnection connection) =>
        _byClientId.TryRemove(new KeyValuePair<string, BrokerConnection>(clientId, connection));
}
