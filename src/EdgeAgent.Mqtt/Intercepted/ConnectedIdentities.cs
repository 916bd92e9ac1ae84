using System.Collections.Concurrent;
using EdgeAgent.Mqtt.Embedded;

namespace EdgeAgent.Mqtt.Intercepted;

/// <summary>
/// The identity each connected client id authenticated as. MQTTnet's session items would carry it, but a resumed session
/// keeps the items of the connection that created it, so the identity is kept by client id instead: set at each accepted
/// CONNECT (a takeover replaces it), removed when the client disconnects (MQTTnet raises no plain disconnect for a
/// connection that was taken over, so that one cannot remove its successor's entry). Whether the connection came over
/// loopback is kept beside it: a card number in clear is weighed by it (<c>Validation:ClearPan</c>).
/// </summary>
internal sealed class ConnectedIdentities
{
    private readonly ConcurrentDictionary<string, (BrokerIdentity Identity, bool OverLoopback)> _byClientId = new(StringComparer.Ordinal);

    public int Count => _byClientId.Count;

    public void Accepted(string clientId, BrokerIdentity identity, bool overLoopback) => _byClientId[clientId] = (identity, overLoopback);

    public BrokerIdentity? Of(string clientId) => _byClientId.TryGetValue(clientId, out var entry) ? entry.Identity : null;

    /// <summary>True when the client's connection came over loopback; false when it is unknown.</summary>
    public bool OverLoopback(string clientId) => _byClientId.TryGetValue(clientId, out var entry) && entry.OverLoopback;

    public void Disconnected(string clientId) => _byClientId.TryRemove(clientId, out _);
}
