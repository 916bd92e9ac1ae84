using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;
using MQTTnet.Exceptions;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// One accepted connection's byte stream (plain TCP, or TLS once the handshake is done), read through a
/// <see cref="PacketSizeGuard"/>. It stands where MQTTnet's own TCP channel would, with the same reads and writes, so
/// the guard costs no allocation of its own: a stream wrapper under MQTTnet's channel would hide the
/// <see cref="SslStream"/> that tells it the connection is secure.
/// </summary>
internal sealed class GuardedChannel : IMqttChannel
{
    private readonly PacketSizeGuard _guard;
    private Stream? _stream;

    public GuardedChannel(Stream stream, EndPoint? localEndPoint, EndPoint? remoteEndPoint, X509Certificate2? clientCertificate, PacketSizeGuard guard)
    {
        _stream = stream;
        _guard = guard;
        LocalEndPoint = localEndPoint;
        RemoteEndPoint = remoteEndPoint;
        ClientCertificate = clientCertificate;
        IsSecureConnection = stream is SslStream;
    }

    public X509Certificate2? ClientCertificate { get; }

    public EndPoint? RemoteEndPoint { get; }

    public EndPoint? LocalEndPoint { get; }

    public bool IsSecureConnection { get; }

    public PacketSizeGuard Guard => _guard;

    public Task ConnectAsync(CancellationToken cancellationToken) => throw new NotSupportedException("A broker-side channel is already connected.");

    public Task DisconnectAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stream = _stream;
        if (stream is null || _guard.Refused)
        {
            return 0;
        }

        int read;
        try
        {
            read = await stream.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return 0; // closed from our side: a graceful end for the reader
        }
        catch (IOException exception) when (exception.InnerException is SocketException socketException)
        {
            ExceptionDispatchInfo.Capture(socketException).Throw();
            throw;
        }

        return read == 0 ? 0 : _guard.Inspect(new ReadOnlySpan<byte>(buffer, offset, read));
    }

    public async Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stream = _stream ?? throw new MqttCommunicationException("The connection is closed.");
        try
        {
            foreach (var segment in buffer)
            {
                await stream.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ObjectDisposedException)
        {
            throw new MqttCommunicationException("The connection is closed.");
        }
        catch (IOException exception) when (exception.InnerException is SocketException socketException)
        {
            ExceptionDispatchInfo.Capture(socketException).Throw();
            throw;
        }
    }

    /// <summary>
    /// Ends a refused connection gracefully: no more from us, and what the client still sends (the rest of the packet
    /// that was too large) read and discarded, within bounds. Closing with unread data would make the system reset the
    /// connection, and the client could lose the DISCONNECT that says why.
    /// </summary>
    public async Task DrainAsync(Socket? socket, long maxBytes, TimeSpan maxTime, TimeProvider time)
    {
        var stream = _stream;
        if (stream is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(maxTime, time);
        var buffer = new byte[16_384];
        try
        {
            await stream.FlushAsync(timeout.Token);
            socket?.Shutdown(SocketShutdown.Send);
            for (long drained = 0; drained < maxBytes;)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return;
                }

                drained += read;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Bounded on purpose: the connection is closed next either way.
        }
    }

    public void Dispose()
    {
        var stream = Interlocked.Exchange(ref _stream, null);
        stream?.Dispose();
    }
}
