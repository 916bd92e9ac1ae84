using EdgeAgent.Mqtt.Embedded;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>The framing the guard follows, fed the way a socket may deliver it: whole, in pieces, a byte at a time.</summary>
public sealed class PacketSizeGuardTests
{
    private static byte[] Packet(byte header, int bodyLength) =>
        [header, .. RawMqtt.RemainingLength(bodyLength), .. new byte[bodyLength]];

    public static IEnumerable<object[]> ChunkSizes() => [[1], [2], [3], [7], [4096]];

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void PacketsWithinTheLimit_PassWhole(int chunk)
    {
        var guard = new PacketSizeGuard(1024);
        byte[] stream = [.. Packet(0x30, 10), .. Packet(0xC0, 0), .. Packet(0x30, 1024 - 3)];

        var passed = Feed(guard, stream, chunk);

        Assert.Equal(stream.Length, passed);
        Assert.False(guard.Refused);
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void PacketOverTheLimit_IsStoppedAtTheLastByteOfItsRemainingLength(int chunk)
    {
        var guard = new PacketSizeGuard(1024);
        var first = Packet(0x30, 100);
        byte[] stream = [.. first, .. Packet(0x30, 1024 - 2)]; // 1 + 2 length bytes + 1022 = 1025 bytes

        var passed = Feed(guard, stream, chunk);

        Assert.True(guard.Refused);
        Assert.Equal(first.Length + 2, passed); // the second packet's type byte and first length byte, not the one that completes it
        Assert.Equal(0, guard.Inspect(new byte[10]));
    }

    [Fact]
    public void HugeRemainingLength_IsRefusedWithoutWaitingForTheBody()
    {
        var guard = new PacketSizeGuard(65_536);

        var passed = guard.Inspect([0x10, .. RawMqtt.RemainingLength(200_000_000)]);

        Assert.True(guard.Refused);
        Assert.Equal(4, passed);
    }

    private static int Feed(PacketSizeGuard guard, byte[] stream, int chunk)
    {
        var passed = 0;
        for (var offset = 0; offset < stream.Length; offset += chunk)
        {
            var piece = stream.AsSpan(offset, Math.Min(chunk, stream.Length - offset));
            var allowed = guard.Inspect(piece);
            passed += allowed;
            if (allowed < piece.Length)
            {
                break;
            }
        }

        return passed;
    }
}
