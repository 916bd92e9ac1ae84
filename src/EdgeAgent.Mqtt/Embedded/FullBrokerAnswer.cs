using System.Net.Sockets;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Answers a plaintext connection that came when every slot was an authenticated client's: its CONNECT is read far
/// enough to learn the protocol level, and a CONNACK says the server is full (MQTT 5 0x97 Quota exceeded, 3.1.1 return
/// code 3 Server unavailable), so the client backs off instead of seeing a reset. It holds no slot: a few at a time,
/// each within a second and a few bytes; beyond that, or on a TLS listener (a handshake would cost more than the
/// answer is worth), the socket is just closed.
/// </summary>
internal sealed class FullBrokerAnswer
{
    private const int MaxAtOnce = 16;

    // Enough for the fixed header (at most 5 bytes), the protocol name ("MQTT", or "MQIsdp" for 3.1) and the level.
    private const int HeadBytes = 16;
    private static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(1);
    private static readonly byte[] Mqtt5 = [0x20, 0x03, 0x00, 0x97, 0x00];
    private static readonly byte[] Mqtt311 = [0x20, 0x02, 0x00, 0x03];
    private readonly TimeProvider _time;
    private int _running;

    public FullBrokerAnswer(TimeProvider time) => _time = time;

    /// <summary>Answers and closes <paramref name="socket"/> in the background, or closes it now when too many are being answered.</summary>
    public void AnswerAndClose(Socket socket)
    {
        if (Interlocked.Increment(ref _running) > MaxAtOnce)
        {
            Interlocked.Decrement(ref _running);
            socket.Dispose();
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await AnswerAsync(socket);
            }
            finally
            {
                socket.Dispose();
                Interlocked.Decrement(ref _running);
            }
        });
    }

    private async Task AnswerAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(MaxTime, _time);
        var head = new byte[HeadBytes];
        try
        {
            var read = 0;
            int? level = null;
            while (level is null)
            {
                if (read == HeadBytes)
                {
                    return;
                }

                var got = await socket.ReceiveAsync(head.AsMemory(read), SocketFlags.None, timeout.Token);
                if (got == 0)
                {
                    return;
                }

                read += got;
                level = Level(head.AsSpan(0, read), out var malformed);
                if (malformed)
                {
                    return;
                }
            }

            await socket.SendAsync(level == 5 ? Mqtt5 : Mqtt311, SocketFlags.None, timeout.Token);
            socket.Shutdown(SocketShutdown.Send);

            // Read what the client still sends until it closes, so that closing does not reset the connection under the CONNACK.
            var sink = new byte[4096];
            for (var drained = 0; drained < 65_536;)
            {
                var got = await socket.ReceiveAsync(sink, SocketFlags.None, timeout.Token);
                if (got == 0)
                {
                    return;
                }

                drained += got;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Bounded on purpose: the socket is closed either way.
        }
    }

    /// <summary>The protocol level of a CONNECT from its first bytes; null while more are needed.</summary>
    private static int? Level(ReadOnlySpan<byte> bytes, out bool malformed)
    {
        malformed = bytes.Length > 0 && bytes[0] != 0x10;
        if (malformed)
        {
            return null;
        }

        var i = 1;
        while (i < bytes.Length && i <= 4 && (bytes[i] & 0x80) != 0)
        {
            i++;
        }

        // Past the remaining length: two bytes of name length, the name ("MQTT" or "MQIsdp"), then the level.
        if (i >= bytes.Length)
        {
            return null;
        }

        var nameAt = i + 1;
        if (bytes.Length < nameAt + 2)
        {
            return null;
        }

        var levelAt = nameAt + 2 + ((bytes[nameAt] << 8) | bytes[nameAt + 1]);
        malformed = levelAt >= HeadBytes; // no protocol name is that long
        return !malformed && levelAt < bytes.Length ? bytes[levelAt] : null;
    }
}
