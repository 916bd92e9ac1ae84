using MQTTnet.Packets;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// A connection's keep-alive, judged by the broker rather than by MQTTnet. MQTTnet's monitor counts from the last packet its
/// receive loop read, and that loop reads nothing while it holds a PUBLISH in the publish interceptor (intake paused behind
/// the record) or waits for room among the held acknowledgements: a terminal only waiting for the agent would be cut off
/// with DISCONNECT 0x8D once that took 1.5 times its keep-alive. Here the silence counts only while MQTTnet waits for the client's next packet; while it holds
/// one, the time is the broker's, and the client's PINGREQs are answered meanwhile (<see cref="BrokerConnection"/>).
/// </summary>
internal sealed class ClientKeepAlive(TimeProvider time) : IDisposable
{
    private const long NotWaiting = long.MinValue;
    private readonly CancellationTokenSource _expired = new();
    private long _waitingSince = NotWaiting;
    private int _ended;

    /// <summary>The keep-alive granted in the CONNECT, in seconds; 0 for none.</summary>
    public ushort Period { get; private set; }

    /// <summary>Cancelled once the client was silent for 1.5 times <see cref="Period"/>: the read waiting for it ends.</summary>
    public CancellationToken Expired => _expired.Token;

    /// <summary>
    /// Keeps the granted keep-alive here and takes it from MQTTnet, whose monitor skips a connection whose CONNECT says 0.
    /// Called on the CONNECT before MQTTnet reads it, after <see cref="ConnectTerms"/> granted the period.
    /// </summary>
    public void TakeOver(MqttConnectPacket connect)
    {
        Period = connect.KeepAlivePeriod;
        connect.KeepAlivePeriod = 0;
    }

    /// <summary>MQTTnet asks for the client's next packet: from now the client's silence counts.</summary>
    public void Waiting() => Volatile.Write(ref _waitingSince, time.GetTimestamp());

    /// <summary>MQTTnet has a packet to handle (a held payment among them): the client's silence does not count meanwhile.</summary>
    public void Handling() => Volatile.Write(ref _waitingSince, NotWaiting);

    /// <summary>A packet MQTTnet never sees (a PINGREQ answered while it held a payment): the silence starts again if it counts.</summary>
    public void Heard()
    {
        var since = Volatile.Read(ref _waitingSince);
        if (since != NotWaiting)
        {
            Interlocked.CompareExchange(ref _waitingSince, time.GetTimestamp(), since);
        }
    }

    /// <summary>True once, when MQTTnet has waited for the client for 1.5 times its keep-alive (MQTT 5 §3.1.2.10).</summary>
    public bool TryExpire()
    {
        var since = Volatile.Read(ref _waitingSince);
        if (Period == 0 || since == NotWaiting || time.GetElapsedTime(since) < TimeSpan.FromSeconds(Period * 1.5))
        {
            return false;
        }

        return Interlocked.Exchange(ref _ended, 1) == 0;
    }

    /// <summary>Ends the read that waits for the silent client.</summary>
    public void End()
    {
        try
        {
            _expired.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile.
        }
    }

    public void Dispose() => _expired.Dispose();
}
