using System.Net;
using System.Net.Sockets;
using EdgeAgent.Simulator.Pipelines;

namespace EdgeAgent.IntegrationTests;

/// <summary>
/// The evaluation's emulated link over real sockets: what crosses it arrives whole and in order, however it is delayed,
/// and its batch window holds payments while the session's other packets pass.
/// </summary>
public sealed class WanLinkTests
{
    private static readonly byte[] PingRequest = [0xC0, 0x00];
    private static readonly byte[] Disconnect = [0xE0, 0x00];

    [Fact]
    public async Task DelayedLink_DeliversEveryByteInOrder_ThroughJitterAndLosses()
    {
        using var target = new TcpListener(IPAddress.Loopback, 0);
        target.Start();
        await using var link = new WanLink(new LinkOptions
        {
            ListenPort = FreePort.Next(),
            TargetPort = ((IPEndPoint)target.LocalEndpoint).Port,
            RoundTripMilliseconds = 4,
            JitterMilliseconds = 4,
            LossPercent = 20,
            RetransmitMilliseconds = 3,
        });
        link.Start();
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, link.Port);
        using var server = await target.AcceptTcpClientAsync();

        var sent = Enumerable.Range(0, 20_000).Select(i => (byte)(i % 251)).ToArray();
        var stream = client.GetStream();
        for (var offset = 0; offset < sent.Length; offset += 100)
        {
            await stream.WriteAsync(sent.AsMemory(offset, 100));
        }

        var received = await ReadExactlyAsync(server.GetStream(), sent.Length);
        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task BatchWindow_HoldsPayments_LetsTheSessionsOtherPacketsPass_AndKeepsDisconnectBehindThePayments()
    {
        using var target = new TcpListener(IPAddress.Loopback, 0);
        target.Start();
        await using var link = new WanLink(new LinkOptions
        {
            ListenPort = FreePort.Next(),
            TargetPort = ((IPEndPoint)target.LocalEndpoint).Port,
            BatchSeconds = 2,
        });
        link.Start();
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, link.Port);
        using var server = await target.AcceptTcpClientAsync();

        // A PUBLISH split across two writes, a PINGREQ after it, then DISCONNECT.
        byte[] payload = [.. "pos/s1/t1/payments"u8, .. new byte[200]];
        byte[] publish = [0x32, .. RemainingLength(payload.Length), .. payload];
        var stream = client.GetStream();
        await stream.WriteAsync(publish.AsMemory(0, 7));
        await stream.FlushAsync();
        await stream.WriteAsync(publish.AsMemory(7));
        await stream.WriteAsync(PingRequest);
        await stream.WriteAsync(Disconnect);

        var received = await ReadExactlyAsync(server.GetStream(), PingRequest.Length + publish.Length + Disconnect.Length);
        Assert.Equal([.. PingRequest, .. publish, .. Disconnect], received);
    }

    private static byte[] RemainingLength(int length)
    {
        var bytes = new List<byte>();
        do
        {
            var digit = (byte)(length % 128);
            length /= 128;
            bytes.Add(length > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (length > 0);
        return [.. bytes];
    }

    private static async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, timeout.Token);
        return buffer;
    }
}
