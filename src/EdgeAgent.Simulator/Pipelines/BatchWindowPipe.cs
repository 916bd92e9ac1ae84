using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>
/// Terminals to service through a batch window: the stream is cut into MQTT packets; payments (PUBLISH) are held as they
/// arrive and released together at the end of their window, in arrival order, as a scoring job would find them. The
/// session's own packets (CONNECT, SUBSCRIBE, the acknowledgements of answers, pings) pass at once, as they would in a
/// system that batches payments and not connections; MQTT lets acknowledgements overtake publications. DISCONNECT waits
/// behind the held payments, so none is dropped with the session.
/// </summary>
internal sealed class BatchWindowPipe : IDisposable
{
    private const int Publish = 3;
    private const int Disconnect = 14;

    private readonly Socket _from;
    private readonly Socket _to;
    private readonly Func<long, long> _windowEnd;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Channel<byte[]> _immediate = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Channel<(byte[] Packet, long Due)> _held = Channel.CreateUnbounded<(byte[], long)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    /// <param name="from">The terminals' side.</param>
    /// <param name="to">The service's side.</param>
    /// <param name="windowEnd">Given the Stopwatch timestamp a payment arrived, when its window ends.</param>
    public BatchWindowPipe(Socket from, Socket to, Func<long, long> windowEnd)
    {
        _from = from;
        _to = to;
        _windowEnd = windowEnd;
    }

    public void Dispose() => _sending.Dispose();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(ReadAsync(cancellationToken), WriteImmediateAsync(cancellationToken), WriteHeldAsync(cancellationToken));
        try
        {
            _to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[256 * 1024];
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    if (start == 0)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                    else
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        (start, end) = (0, end - start);
                    }
                }

                var read = await _from.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                end += read;
                var arrived = Stopwatch.GetTimestamp();
                while (NextPacketLength(buffer.AsSpan(start, end - start)) is { } length)
                {
                    var packet = buffer.AsSpan(start, length).ToArray();
                    start += length;
                    var type = packet[0] >> 4;
                    if (type is Publish or Disconnect)
                    {
                        _held.Writer.TryWrite((packet, _windowEnd(arrived)));
                    }
                    else
                    {
                        _immediate.Writer.TryWrite(packet);
                    }
                }

                if (start == end)
                {
                    (start, end) = (0, 0);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _immediate.Writer.TryComplete();
            _held.Writer.TryComplete();
        }
    }

    /// <summary>A whole MQTT packet's length at the start of <paramref name="data"/> (fixed header, variable length, body), or null when it is not all there.</summary>
    private static int? NextPacketLength(ReadOnlySpan<byte> data)
    {
        var remaining = 0;
        for (var i = 1; i < Math.Min(data.Length, 5); i++)
        {
            remaining |= (data[i] & 0x7F) << (7 * (i - 1));
            if ((data[i] & 0x80) == 0)
            {
                var total = i + 1 + remaining;
                return data.Length >= total ? total : null;
            }
        }

        return null;
    }

    private async Task WriteImmediateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var packet in _immediate.Reader.ReadAllAsync(cancellationToken))
            {
                await SendAsync(packet, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task WriteHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (packet, due) in _held.Reader.ReadAllAsync(cancellationToken))
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                await SendAsync(packet, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task SendAsync(byte[] packet, CancellationToken cancellationToken)
    {
        // Both writers share the socket; a packet goes out whole.
        await _sending.WaitAsync(cancellationToken);
        try
        {
            var sent = 0;
            while (sent < packet.Length)
            {
                sent += await _to.SendAsync(packet.AsMemory(sent), SocketFlags.None, cancellationToken);
            }
        }
        finally
        {
            _sending.Release();
        }
    }
}
