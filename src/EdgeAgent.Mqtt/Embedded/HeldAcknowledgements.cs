using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// One connection's acknowledgements (PUBACK, PUBREC) of the PUBLISH packets it sent, each held until its payment is
/// settled (recorded, and its answer on the wire) and sent in the order the PUBLISH packets came (MQTT 5 §4.6). MQTTnet
/// queues an acknowledgement as soon as the publish interceptor returns; the interceptor returns once the payment is in
/// the pipeline, so the connection goes on reading and a terminal may have up to <see cref="Limit"/> payments in flight
/// (the Receive Maximum its CONNACK announced) while the device flushes. Past the limit the connection reads no further
/// PUBLISH until an acknowledgement goes: the back-pressure MQTT has for this. A hold that ends without a record ends the
/// connection with none of the acknowledgements after it (the terminal sends those payments again).
/// </summary>
internal sealed class HeldAcknowledgements(int limit, Func<MqttPacket, Task> send, Func<Task> end)
{
    private readonly Queue<Entry> _entries = new();
    private readonly Lock _lock = new();
    private Entry? _latest;
    private bool _releasing;
    private bool _ended;
    private TaskCompletionSource? _room;

    /// <summary>PUBLISH packets (QoS 1 and 2) read and not yet acknowledged on the wire before the next one waits.</summary>
    public int Limit { get; } = Math.Max(1, limit);

    /// <summary>A PUBLISH was read: one that MQTTnet acknowledges (QoS 1 or 2) takes its place in the order.</summary>
    public void Received(MqttPublishPacket publish)
    {
        if (publish.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce)
        {
            _latest = null;
            return;
        }

        var entry = new Entry(publish.PacketIdentifier);
        lock (_lock)
        {
            _entries.Enqueue(entry);
        }

        _latest = entry;
    }

    /// <summary>
    /// The publish interceptor, handling the PUBLISH read last, holds its acknowledgement until <paramref name="settled"/>
    /// completes: with true it goes, in its turn; with false the connection ends there. MQTTnet runs the interceptor
    /// between two reads of the connection, so the PUBLISH read last is the one it handles. False when that PUBLISH has no
    /// acknowledgement to hold (QoS 0).
    /// </summary>
    public bool TryHold(Task<bool> settled)
    {
        if (_latest is not { } entry)
        {
            return false;
        }

        _latest = null;
        lock (_lock)
        {
            entry.Settled = settled;
        }

        if (!settled.IsCompleted)
        {
            settled.ContinueWith(static (_, state) => _ = ((HeldAcknowledgements)state!).ReleaseAsync(), this, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return true;
    }

    /// <summary>
    /// MQTTnet's acknowledgement of a PUBLISH, on its way out: false when it is not one this connection holds (it goes as it
    /// is); otherwise it takes its PUBLISH's place and goes when its turn comes (awaited here when that is now).
    /// </summary>
    public bool TryTake(MqttPacket packet, out Task released)
    {
        released = Task.CompletedTask;
        ushort id;
        if (packet is MqttPubAckPacket pubAck)
        {
            id = pubAck.PacketIdentifier;
        }
        else if (packet is MqttPubRecPacket pubRec)
        {
            id = pubRec.PacketIdentifier;
        }
        else
        {
            return false;
        }

        lock (_lock)
        {
            var found = false;
            foreach (var entry in _entries)
            {
                if (entry.PacketIdentifier == id && entry.Acknowledgement is null)
                {
                    entry.Acknowledgement = packet;
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return _ended; // after the end nothing goes; a stray acknowledgement of a PUBLISH never read goes as it is
            }
        }

        released = ReleaseAsync();
        return true;
    }

    /// <summary>Completes when fewer than <see cref="Limit"/> acknowledgements are held, or the connection ended.</summary>
    public Task RoomAsync()
    {
        lock (_lock)
        {
            if (_entries.Count < Limit || _ended)
            {
                return Task.CompletedTask;
            }

            _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _room.Task;
        }
    }

    /// <summary>The connection ended: nothing held is sent any more, and a read waiting for room goes on (to find the end).</summary>
    public void Ended()
    {
        lock (_lock)
        {
            End();
        }
    }

    /// <summary>
    /// Sends the acknowledgements whose turn has come, in order; a hold that ended without a record ends the connection
    /// instead, and nothing after it is sent. One caller releases at a time: one that finds another at it returns at once,
    /// and the one at it takes what became ready meanwhile.
    /// </summary>
    private async Task ReleaseAsync()
    {
        lock (_lock)
        {
            if (_releasing)
            {
                return;
            }

            _releasing = true;
        }

        while (true)
        {
            MqttPacket? next;
            lock (_lock)
            {
                if (_ended || _entries.Count == 0 || !_entries.Peek().IsReady)
                {
                    _releasing = false;
                    return;
                }

                var entry = _entries.Dequeue();
                if (entry.Settled is { IsCompletedSuccessfully: false } or { Result: false })
                {
                    End();
                    next = null;
                }
                else
                {
                    next = entry.Acknowledgement;
                    if (_room is { } room && _entries.Count < Limit)
                    {
                        _room = null;
                        room.TrySetResult();
                    }
                }
            }

            try
            {
                if (next is null)
                {
                    await end();
                    return;
                }

                await send(next);
            }
            catch (Exception)
            {
                Ended(); // the connection is going: what it still holds goes with it
                return;
            }
        }
    }

    private void End()
    {
        _ended = true;
        _entries.Clear();
        _room?.TrySetResult();
        _room = null;
    }

    private sealed class Entry(ushort packetIdentifier)
    {
        public ushort PacketIdentifier { get; } = packetIdentifier;

        public Task<bool>? Settled { get; set; }

        public MqttPacket? Acknowledgement { get; set; }

        public bool IsReady => Acknowledgement is not null && (Settled is null || Settled.IsCompleted);
    }
}
