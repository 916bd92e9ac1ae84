using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>
/// A TCP relay on loopback that stands for the network between terminals and a scoring service: it delays each direction
/// by half the round trip, with jitter and losses (see <see cref="LinkOptions"/>), or holds what terminals send until
/// the end of a batch window (<see cref="BatchWindowPipe"/>). A relay and not the kernel's <c>netem</c>, which is not available everywhere; it delays
/// the bytes of each connection in order, as TCP would deliver them.
/// </summary>
public sealed class WanLink : IAsyncDisposable
{
    private readonly LinkOptions _options;
    private readonly TcpListener _listener;
    private readonly Random _random;
    private readonly long _epoch = Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private Task _accepting = Task.CompletedTask;

    public WanLink(LinkOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        _listener = new TcpListener(IPAddress.Loopback, options.ListenPort);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Start()
    {
        _listener.Start();
        _accepting = AcceptAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(cancellationToken);
                var relay = RelayAsync(client, cancellationToken);
                lock (_connections)
                {
                    _connections.RemoveAll(t => t.IsCompleted);
                    _connections.Add(relay);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken cancellationToken)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            try
            {
                client.NoDelay = true;
                server.NoDelay = true;
                await server.ConnectAsync(_options.TargetHost, _options.TargetPort, cancellationToken);
                var downstream = new DelayedPipe(server, client, Direction());
                using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                using var window = _options.BatchSeconds > 0 ? new BatchWindowPipe(client, server, WindowEnd()) : null;
                var up = window is not null
                    ? window.RunAsync(either.Token)
                    : new DelayedPipe(client, server, Direction()).RunAsync(either.Token);
                var down = downstream.RunAsync(either.Token);
                await Task.WhenAny(up, down);
                // One direction ended: a terminal or the service closed. Give the other a moment to drain, then close.
                await Task.WhenAny(Task.WhenAll(up, down), Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
                await either.CancelAsync();
                client.Close();
                server.Close();
                await Task.WhenAll(up, down);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
            }
        }
    }

    /// <summary>When the batch window a payment arrived in ends (windows counted from the link's start), plus the network delay.</summary>
    private Func<long, long> WindowEnd()
    {
        var delay = Direction();
        var window = (long)(_options.BatchSeconds * Stopwatch.Frequency);
        return arrived => delay(_epoch + ((((arrived - _epoch) / window) + 1) * window));
    }

    /// <summary>
    /// The delay of one direction of one connection: half the round trip, a jitter redrawn every 100 ms (a path's delay
    /// wanders; drawn per segment, with TCP's order kept, every segment would wait for the slowest before it), and now
    /// and then a loss's retransmission.
    /// </summary>
    private Func<long, long> Direction()
    {
        var redraw = Stopwatch.Frequency / 10;
        var jitterMs = 0.0;
        var drawn = long.MinValue;
        return at =>
        {
            var lost = false;
            lock (_random)
            {
                if (at - drawn >= redraw)
                {
                    jitterMs = (_random.NextDouble() - 0.5) * _options.JitterMilliseconds;
                    drawn = at;
                }

                lost = _options.LossPercent > 0 && _random.NextDouble() * 100 < _options.LossPercent;
            }

            var oneWayMs = (_options.RoundTripMilliseconds / 2) + jitterMs + (lost ? _options.RetransmitMilliseconds : 0);
            return at + (long)(Math.Max(0, oneWayMs) * Stopwatch.Frequency / 1000);
        };
    }
}
