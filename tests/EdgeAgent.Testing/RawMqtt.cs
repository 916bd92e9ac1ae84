using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeAgent.Testing;

/// <summary>
/// MQTT written by hand on a TCP socket, for what client libraries refuse to send: an empty client id without a clean
/// session, a keep-alive of 0, a fixed header announcing a huge packet that never comes.
/// </summary>
public sealed class RawMqtt : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private NetworkStream _stream = null!;

    private RawMqtt(TcpClient tcp) => _tcp = tcp;

    /// <summary>Opens a connection to the broker on 127.0.0.1, from <paramref name="from"/> (another loopback address) when given.</summary>
    public static async Task<RawMqtt> OpenAsync(int port, IPAddress? from = null, int? receiveBufferBytes = null)
    {
        var raw = new RawMqtt(from is null ? new TcpClient() : new TcpClient(new IPEndPoint(from, 0)));
        if (receiveBufferBytes is { } bytes)
        {
            raw._tcp.ReceiveBufferSize = bytes; // before connecting, so the window it announces stays small
        }

        await raw._tcp.ConnectAsync(IPAddress.Loopback, port);
        raw._stream = raw._tcp.GetStream();
        return raw;
    }

    /// <summary>A CONNECT packet: protocol level 4 (3.1.1) or 5.</summary>
    public static byte[] Connect(int level, string clientId, bool cleanSession, ushort keepAlive)
    {
        var id = Encoding.UTF8.GetBytes(clientId);
        var body = new List<byte> { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', (byte)level, (byte)(cleanSession ? 0x02 : 0x00), (byte)(keepAlive >> 8), (byte)keepAlive };
        if (level == 5)
        {
            body.Add(0); // no properties
        }

        body.Add((byte)(id.Length >> 8));
        body.Add((byte)id.Length);
        body.AddRange(id);
        return [0x10, .. RemainingLength(body.Count), .. body];
    }

    public static byte[] RemainingLength(int length)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(length % 128);
            length /= 128;
            bytes.Add(length > 0 ? (byte)(b | 0x80) : b);
        }
        while (length > 0);

        return [.. bytes];
    }

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>The next packet's first byte and body; null when the broker closed the connection.</summary>
    public async Task<(byte Header, byte[] Body)?> ReadPacketAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        var header = new byte[1];
        try
        {
            if (await _stream.ReadAsync(header, cancel.Token) == 0)
            {
                return null;
            }
        }
        catch (IOException)
        {
            return null; // reset by the broker
        }

        var length = 0;
        var multiplier = 1;
        var one = new byte[1];
        do
        {
            if (await _stream.ReadAsync(one, cancel.Token) == 0)
            {
                return null;
            }

            length += (one[0] & 0x7F) * multiplier;
            multiplier *= 128;
        }
        while ((one[0] & 0x80) != 0);

        var body = new byte[length];
        await _stream.ReadExactlyAsync(body, cancel.Token);
        return (header[0], body);
    }

    /// <summary>True once the broker has closed the connection (reads end), false if it is still open after the timeout.</summary>
    public async Task<bool> ClosedAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[256];
        try
        {
            while (await _stream.ReadAsync(buffer, cancel.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset by the broker
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
