using System.Net;
using System.Net.Sockets;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The embedded broker's front door, in place of MQTTnet's TCP listener: accepts on each endpoint, admits each socket
/// or closes an older unauthenticated one for it (<see cref="ConnectionAdmission"/>), runs the TLS handshake where the endpoint has TLS, and hands MQTTnet a
/// <see cref="BrokerConnection"/> over a <see cref="GuardedChannel"/>. Whatever goes wrong with one connection ends that
/// connection only.
/// </summary>
internal sealed class BrokerListener : IMqttServerAdapter
{
    private readonly IReadOnlyList<BrokerEndpoint> _endpoints;
    private readonly BrokerContext _context;
    private readonly ConnectionAdmission _admission;
    private readonly TlsHandshake _tls;
    private readonly FullBrokerAnswer _full;
    private readonly List<Socket> _sockets = [];
    private readonly List<BrokerEndpoint> _bound = [];
    private CancellationTokenSource? _stopping;
    private MqttServerOptions? _serverOptions;
    private IMqttNetLogger _mqttLogger = new MqttNetNullLogger();

    public BrokerListener(IReadOnlyList<BrokerEndpoint> endpoints, BrokerContext context)
    {
        _endpoints = endpoints;
        _context = context;
        _admission = new ConnectionAdmission(context);
        _tls = new TlsHandshake(context);
        _full = new FullBrokerAnswer(context.Time);
    }

    public Func<IMqttChannelAdapter, Task> ClientHandler { get; set; } = _ => Task.CompletedTask;

    /// <summary>The endpoints as bound (a port 0 replaced by the one the system chose).</summary>
    public IReadOnlyList<BrokerEndpoint> BoundEndpoints => _bound;

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _serverOptions = options;
        _mqttLogger = logger;
        _stopping = new CancellationTokenSource();
        try
        {
            foreach (var endpoint in _endpoints)
            {
                var socket = Bind(endpoint.EndPoint);
                _sockets.Add(socket);
                var bound = endpoint with { EndPoint = (IPEndPoint)socket.LocalEndPoint! };
                _bound.Add(bound);
                _ = Task.Run(() => AcceptLoopAsync(socket, bound, _stopping.Token));
            }
        }
        catch
        {
            Close();
            throw;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        Close();
        return Task.CompletedTask;
    }

    public void Dispose() => Close();

    private static Socket Bind(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // A restarted broker binds again at once, even with connections of the previous one in TIME_WAIT.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            socket.Listen(512);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Close()
    {
        _stopping?.Cancel();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _sockets.Clear();
        _stopping?.Dispose();
        _stopping = null;
    }

    private async Task AcceptLoopAsync(Socket listener, BrokerEndpoint endpoint, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // Out of file descriptors and the like: wait a little instead of spinning, then go on accepting.
                await Task.Delay(TimeSpan.FromMilliseconds(100), _context.Time, CancellationToken.None);
                continue;
            }

            if (_admission.TryAdmit(client) is not { } pending)
            {
                // Every slot is an authenticated client's: nothing to close in its place. A plaintext client is told so.
                _context.Refusals.Report(RefusalReason.ConnectionLimit, client.RemoteEndPoint);
                if (endpoint.Tls is null)
                {
                    _full.AnswerAndClose(client);
                }
                else
                {
                    client.Dispose();
                }

                continue;
            }

            _ = Task.Run(() => ServeAsync(pending, endpoint, stopping), CancellationToken.None);
        }
    }

    private async Task ServeAsync(PendingConnection pending, BrokerEndpoint endpoint, CancellationToken stopping)
    {
        _context.Metrics.Connected();
        var client = pending.Socket;
        Stream? stream = null;
        try
        {
            if (!await _admission.WaitTurnAsync(pending, stopping))
            {
                return; // closed before its turn came: counted where it was closed
            }

            var remote = pending.Remote;
            client.NoDelay = true;
            var plain = new NetworkStream(client, ownsSocket: true);
            stream = plain;
            System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null;
            if (endpoint.Tls is { } tls)
            {
                (stream, certificate) = await _tls.AuthenticateAsync(plain, tls, pending, stopping);
                if (stream is null)
                {
                    return; // refused and counted; the TLS stream closed the socket
                }
            }

            var options = _serverOptions!;
            var channel = new GuardedChannel(stream, endpoint.EndPoint, remote, certificate, new PacketSizeGuard(_context.Limits.MaxPacketBytes));
            var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
            using var adapter = new MqttChannelAdapter(channel, formatter, _mqttLogger);
            using var connection = new BrokerConnection(adapter, channel, _context, client, pending);
            await ClientHandler(connection);
        }
        catch (Exception)
        {
            // One connection's failure (a reset, a protocol violation) ends that connection; MQTTnet has handled its session.
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }
            else
            {
                client.Dispose();
            }

            _admission.Release(pending);
            _context.Metrics.Disconnected();
        }
    }
}
