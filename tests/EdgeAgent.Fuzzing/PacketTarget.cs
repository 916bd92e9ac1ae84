using EdgeAgent.Mqtt.Embedded;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;

namespace EdgeAgent.Fuzzing;

/// <summary>
/// The embedded broker's front door for a byte stream: what a client sends, read through the broker's own
/// <see cref="GuardedChannel"/> and <see cref="PacketSizeGuard"/> into MQTTnet's packet reader, exactly as a connection is
/// read (the broker then handles each packet). Whatever the bytes, it must hold that only MQTTnet's protocol and
/// communication errors come out (they end that one connection, which the broker survives), and that reading allocates in
/// proportion to what was sent: a few bytes announcing a huge packet must never make the broker allocate it.
/// </summary>
public static class PacketTarget
{
    /// <summary>The broker's limit on a packet, small so that the fuzzer reaches it easily.</summary>
    public const int MaxPacketBytes = 4096;

    /// <summary>Reads every packet in <paramref name="stream"/>; returns how many were read, and how many of them were PUBACKs.</summary>
    public static (int Packets, int Acknowledgements) Run(byte[] stream)
    {
        var (packets, acknowledgements, broken) = Check(stream);
        FuzzFinding.ThrowIfAny(broken);
        return (packets, acknowledgements);
    }

    /// <summary>Reads every packet in <paramref name="stream"/>; returns the counts and the properties it broke.</summary>
    public static (int Packets, int Acknowledgements, IReadOnlyList<string> Broken) Check(byte[] stream)
    {
        var broken = new List<string>();
        var guard = new PacketSizeGuard(MaxPacketBytes);
        var acknowledgements = 0;
        var packets = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        using (var channel = new GuardedChannel(new MemoryStream(stream, writable: false), null, null, null, guard))
        {
            var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(4096, 65536));
            using var adapter = new MqttChannelAdapter(channel, formatter, MqttNetNullLogger.Instance);
            try
            {
                // A memory stream completes every read at once, so this runs on this thread and its allocations are counted.
                while (adapter.ReceivePacketAsync(CancellationToken.None).GetAwaiter().GetResult() is { } packet)
                {
                    packets++;
                    acknowledgements += packet is MQTTnet.Packets.MqttPubAckPacket ? 1 : 0;
                }
            }
            catch (MqttProtocolViolationException)
            {
                // A malformed packet: the broker ends that connection.
            }
            catch (MqttCommunicationException)
            {
                // The stream broke off mid-packet: the same.
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        FuzzFinding.Require(broken, allocated <= (1 << 20) + (16L * stream.Length), $"reading {stream.Length} bytes allocated {allocated}");

        // A packet is at least its fixed header and a one-byte remaining length; a PUBACK adds its two-byte identifier.
        FuzzFinding.Require(broken, packets <= stream.Length / 2, $"{packets} packets read from {stream.Length} bytes");
        FuzzFinding.Require(broken, acknowledgements <= stream.Length / 4, $"{acknowledgements} PUBACKs seen in {stream.Length} bytes");
        return (packets, acknowledgements, broken);
    }
}
