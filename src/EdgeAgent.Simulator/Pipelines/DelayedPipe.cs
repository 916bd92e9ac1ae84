using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>
/// One direction of a relayed connection: every chunk read is stamped with the time it may leave, and a writer sends
/// it then. Stamps never go backwards, because TCP delivers in order: a chunk held back (a loss, a batch window)
/// holds back everything behind it.
/// </summary>
internal sealed class DelayedPipe
{
    private readonly Socket _from;
    private readonly Socket _to;
    private readonly Func<long, long> _releaseAt;
    private readonly Channel<(byte[] Data, long Due)> _chunks = Channel.CreateUnbounded<(byte[], long)>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    /// <param name="from">The socket read.</param>
    /// <param name="to">The socket written.</param>
    /// <param name="releaseAt">Given the Stopwatch timestamp a chunk arrived, when it may leave.</param>
    public DelayedPipe(Socket from, Socket to, Func<long, long> releaseAt)
    {
        _from = from;
        _to = to;
        _releaseAt = releaseAt;
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(ReadAsync(cancellationToken), WriteAsync(cancellationToken));

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var last = 0L;
        try
        {
            while (true)
            {
                var read = await _from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                last = Math.Max(last, _releaseAt(Stopwatch.GetTimestamp()));
                _chunks.Writer.TryWrite((buffer.AsSpan(0, read).ToArray(), last));
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _chunks.Writer.TryComplete();
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (data, due) in _chunks.Reader.ReadAllAsync(cancellationToken))
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                var sent = 0;
                while (sent < data.Length)
                {
                    sent += await _to.SendAsync(data.AsMemory(sent), SocketFlags.None, cancellationToken);
                }
            }

            _to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The other side went away: the relay closes both sockets.
        }
    }
}
