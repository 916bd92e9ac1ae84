using System.Runtime.CompilerServices;
using MQTTnet.Packets;
using MQTTnet.Server;
using MQTTnet.Server.Internal;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Bounds what MQTTnet keeps for one session, connected or not. MQTTnet 5.2 bounds its send queue
/// (MaxPendingMessagesPerClient, set to the same bound, drops the oldest) but not its list of QoS 1 packets awaiting a
/// PUBACK: a packet dropped from the queue stays in that list, every one is queued again when the session resumes, and
/// an offline session adds one per message routed to it. After each message routed to a session (MQTTnet's
/// ApplicationMessageEnqueuedOrDropped event) the oldest entries of that list beyond the bound are dropped, counted
/// (<see cref="RefusalReason.SessionMessageLimit"/>); an answer owed to the session's client stays owed
/// (<see cref="OwedAnswers"/>) and is offered again at its next subscription. The list is read through accessors pinned to MQTTnet 5.2's fields (the lock file pins the
/// version); a test asserts the bound through them, so an upgrade that moves the fields fails there, not in a store.
/// </summary>
internal sealed class SessionMessageBound(BrokerContext context)
{
    private MqttServer? _server;

    public void Attach(MqttServer server) => _server = server;

    public async Task OnEnqueuedAsync(ApplicationMessageEnqueuedEventArgs e)
    {
        if (e.IsDropped || _server is not { } server)
        {
            return;
        }

        MqttSessionStatus session;
        try
        {
            session = await server.GetSessionAsync(e.ReceiverClientId);
        }
        catch (InvalidOperationException)
        {
            return; // deleted meanwhile, and what it kept with it
        }

        Trim(context, session);
    }

    /// <summary>QoS 1 packets the session holds that its client has not acknowledged (sent or not).</summary>
    public static int Unacknowledged(MqttSessionStatus session)
    {
        var list = UnacknowledgedOf(SessionOf(session));
        lock (list)
        {
            return list.Count;
        }
    }

    /// <summary>Drops the oldest unacknowledged packets of <paramref name="session"/> beyond the bound.</summary>
    public static void Trim(BrokerContext context, MqttSessionStatus session)
    {
        var list = UnacknowledgedOf(SessionOf(session));
        int excess;
        lock (list)
        {
            // The same lock MQTTnet takes on this list when it adds, acknowledges or recovers.
            excess = list.Count - context.Limits.MaxKeptMessagesPerSession;
            if (excess <= 0)
            {
                return;
            }

            list.RemoveRange(0, excess);
        }

        for (var i = 0; i < excess; i++)
        {
            context.Refusals.Report(RefusalReason.SessionMessageLimit, null);
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_session")]
    private static extern ref MqttSession SessionOf(MqttSessionStatus status);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_unacknowledgedPublishPackets")]
    private static extern ref List<MqttPublishPacket> UnacknowledgedOf(MqttSession session);
}
