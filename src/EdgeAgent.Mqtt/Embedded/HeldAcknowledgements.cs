using MQTTnet.Packets;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The PUBACKs of one connection's payments, each held until its payment is recorded and sent in the order the payments
/// came (MQTT requires PUBACKs in receive order). Holding them here, rather than in MQTTnet's publish interceptor, lets
/// the connection go on reading: a terminal may have many payments in flight (up to the Receive Maximum advertised),
/// each answered at once and acknowledged once on the record, instead of one at a time at the pace of the disk.
/// One receiving thread adds holds and PUBACKs; the releases run wherever the recording completes.
/// </summary>
internal sealed class HeldAcknowledgements(Func<MqttPacket, Task> send, Func<Task> disconnect)
{
    private readonly Dictionary<ushort, HeldPubAck> _byPacket = [];
    private readonly Queue<HeldPubAck> _forInterceptor = new();
    private readonly object _lock = new();
    private Task _tail = Task.CompletedTask;

    /// <summary>A payment's PUBLISH arrived: its PUBACK will wait for its record.</summary>
    public void Hold(ushort packetIdentifier)
    {
        var held = new HeldPubAck();
        lock (_lock)
        {
            _byPacket[packetIdentifier] = held;
            _forInterceptor.Enqueue(held);
        }
    }

    /// <summary>The hold of the payment the interceptor is handling now (interception follows receive order).</summary>
    public HeldPubAck? TakeForInterceptor()
    {
        lock (_lock)
        {
            return _forInterceptor.TryDequeue(out var held) ? held : null;
        }
    }

    /// <summary>
    /// MQTTnet sends a PUBACK: sent at once when nothing is held before it, else queued behind the held ones. Returns at once
    /// either way, so the connection's receiving is never held up by the disk.
    /// </summary>
    public Task SendAsync(MqttPubAckPacket ack)
    {
        lock (_lock)
        {
            var held = _byPacket.Remove(ack.PacketIdentifier, out var h) ? h : null;
            if (held is null && _tail.IsCompleted)
            {
                return send(ack);
            }

            _tail = ReleaseAfterAsync(_tail, held, ack);
            return Task.CompletedTask;
        }
    }

    private async Task ReleaseAfterAsync(Task previous, HeldPubAck? held, MqttPubAckPacket ack)
    {
        try
        {
            await previous;
            if (held is not null && !await held.Recorded)
            {
                // Not recorded (the agent is stopping): no PUBACK, the connection closes, the terminal sends it again.
                await disconnect();
                return;
            }

            await send(ack);
        }
        catch (Exception)
        {
            // The connection went away: the terminal resends what it has no PUBACK for, and the record answers it.
        }
    }
}
