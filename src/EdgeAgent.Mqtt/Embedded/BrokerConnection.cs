using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// One client connection as MQTTnet's server sees it: MQTTnet's own channel adapter, with the broker's rules around it.
/// The first packet gets a time limit and the <see cref="ConnectTerms"/>; the CONNACK is told what was granted and the
/// broker's limits. After the CONNECT every packet is handed through untouched, in both directions; a PUBLISH with a topic
/// alias is refused before MQTTnet reads it, a PUBLISH written is told to the owed answers (its payment's PUBACK may wait
/// for it), and the end of a SUBSCRIBE's handling settles its subscription places (<see cref="SubscriptionQuota"/>). The
/// acknowledgements of the client's PUBLISH packets wait here, in order, each for its payment's record and answer
/// (<see cref="HeldAcknowledgements"/>), so the connection goes on reading meanwhile, up to its Receive Maximum. While
/// MQTTnet holds a PUBLISH (intake paused behind the record), the next packet is read ahead and PINGREQs are answered here,
/// and the keep-alive is judged here (<see cref="ClientKeepAlive"/>), so a terminal waiting for the agent is never taken for
/// a dead one.
/// </summary>
internal sealed class BrokerConnection : IMqttChannelAdapter
{
    private const long DrainBytes = 16 * 1024 * 1024;
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(2);
    private readonly MqttChannelAdapter _inner;
    private readonly GuardedChannel _channel;
    private readonly BrokerContext _context;
    private readonly Socket? _socket;
    private readonly PendingConnection? _pending;
    private readonly ClientKeepAlive _keepAlive;
    private readonly HeldAcknowledgements _acknowledgements;

    /// <summary>Cancelled when the connection ends here (a payment was not recorded) or is disposed: reads and held sends stop.</summary>
    private readonly CancellationTokenSource _ending = new();
    private bool _awaitingConnect = true;
    private bool _connAckSent;
    private bool _tooLargeReported;
    private bool _subscribing;
    private ConnectTerms _terms;

    /// <summary>The largest packet an MQTT 5 client said it accepts (its CONNECT's Maximum Packet Size); 0: no limit.</summary>
    private uint _clientMaximumPacketSize;
    private string? _clientId;

    /// <summary>The token of every read after the CONNECT: MQTTnet's for this connection, or the keep-alive's expiry.</summary>
    private CancellationTokenSource? _reads;
    private CancellationToken _readsFor;

    /// <summary>The read started while MQTTnet handles a PUBLISH; MQTTnet's next request for a packet takes its result.</summary>
    private Task<(MqttPacket? Packet, ExceptionDispatchInfo? Failure)>? _ahead;

    public BrokerConnection(MqttChannelAdapter inner, GuardedChannel channel, BrokerContext context, Socket? socket, PendingConnection? pending = null)
    {
        _pending = pending;
        _inner = inner;
        _socket = socket;
        _channel = channel;
        _context = context;
        _keepAlive = new ClientKeepAlive(context.Time);
        _acknowledgements = new HeldAcknowledgements(context.Limits.ReceiveMaximum, SendHeldAsync, EndUnrecordedAsync);
    }

    /// <summary>Who the connection acts as, once the access policy accepted its CONNECT.</summary>
    public BrokerIdentity? Identity { get; private set; }

    public ConnectTerms Terms => _terms;

    public long BytesReceived => _inner.BytesReceived;

    public long BytesSent => _inner.BytesSent;

    public X509Certificate2? ClientCertificate => _inner.ClientCertificate;

    public EndPoint RemoteEndPoint => _inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => _inner.LocalEndPoint;

    public bool IsSecureConnection => _inner.IsSecureConnection;

    public MqttPacketFormatterAdapter PacketFormatterAdapter => _inner.PacketFormatterAdapter;

    public MqttProtocolVersion ProtocolVersion => _inner.PacketFormatterAdapter.ProtocolVersion;

    public Task ConnectAsync(CancellationToken cancellationToken) => _inner.ConnectAsync(cancellationToken);

    public Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken) =>
        _awaitingConnect ? ReceiveConnectAsync(cancellationToken) : ReceiveAsync(cancellationToken);

    public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        if (_acknowledgements.TryTake(packet, out var released))
        {
            return released;
        }

        if (packet is MqttPublishPacket publish)
        {
            return SendPublishAsync(publish, cancellationToken);
        }

        if (!_connAckSent && packet is MqttConnAckPacket connAck)
        {
            Advertise(connAck);
            _context.Handover.Connected(_clientId!, this);
        }

        return _inner.SendPacketAsync(packet, cancellationToken);
    }

    /// <summary>
    /// An answer this client is owed is on the wire once this completes: the PUBACK of its payment waits for that. A
    /// message larger than the Maximum Packet Size an MQTT 5 client declared is not sent, and counted: MQTT 5
    /// §3.1.2.11.4 has the server discard it and go on as if it had been sent, so its payment's PUBACK still goes.
    /// </summary>
    private async Task SendPublishAsync(MqttPublishPacket publish, CancellationToken cancellationToken)
    {
        if (_clientMaximumPacketSize == 0 || PublishSize.Of(publish) <= _clientMaximumPacketSize)
        {
            await _inner.SendPacketAsync(publish, cancellationToken);
        }
        else
        {
            _context.Refusals.Report(RefusalReason.AnswerTooLarge, RemoteEndPoint);
        }

        if (_clientId is not null)
        {
            _context.Owed!.Written(_clientId, publish);
        }
    }

    /// <summary>
    /// The acknowledgement of the PUBLISH that MQTTnet is handling now waits for <paramref name="settled"/> (see
    /// <see cref="HeldAcknowledgements"/>); false when that PUBLISH has none (QoS 0).
    /// </summary>
    public bool HoldAcknowledgement(Task<bool> settled) => _acknowledgements.TryHold(settled);

    /// <summary>The access policy accepted the connection: it acts as <paramref name="identity"/> from now on.</summary>
    public void Accept(BrokerIdentity identity)
    {
        Identity = identity;
        _context.Connections.Add(_clientId!, this);
        _pending?.Authenticated();
    }

    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        if (_channel.Guard.Refused && !_tooLargeReported)
        {
            _tooLargeReported = true;
            _context.Refusals.Report(RefusalReason.PacketTooLarge, RemoteEndPoint);
            if (_connAckSent && ProtocolVersion == MqttProtocolVersion.V500)
            {
                await TrySendAsync(new MqttDisconnectPacket { ReasonCode = MqttDisconnectReasonCode.PacketTooLarge }, cancellationToken);
            }

            await _channel.DrainAsync(_socket, DrainBytes, DrainTime, _context.Time);
        }

        if (_clientId is not null)
        {
            _context.Handover.Ended(_clientId, this);
        }

        await _inner.DisconnectAsync(cancellationToken);
    }

    public void ResetStatistics() => _inner.ResetStatistics();

    /// <summary>
    /// Ends the connection when MQTTnet has waited 1.5 times the client's keep-alive for its next packet (DISCONNECT 0x8D on
    /// MQTT 5, as MQTTnet's own monitor would): the read ends without a packet, and MQTTnet closes the connection as one the
    /// client dropped. Time spent on a packet of the client's, such as a payment held for its record, never counts.
    /// </summary>
    public void EndIfSilent()
    {
        if (_keepAlive.TryExpire())
        {
            _context.Refusals.Report(RefusalReason.KeepAliveTimeout, RemoteEndPoint);
            _ = EndSilentAsync();
        }
    }

    public void Dispose()
    {
        if (_clientId is not null)
        {
            _context.Connections.Remove(_clientId, this);
            _context.Handover.Ended(_clientId, this);
        }

        if (Identity is { } identity)
        {
            _context.Identities.ConnectionEnded(identity);
        }

        SettleSubscriptions();
        _acknowledgements.Ended();
        _ending.Cancel();
        _keepAlive.Dispose();
        _reads?.Dispose();
        _inner.Dispose();
    }

    /// <summary>
    /// MQTTnet asks for the next packet only once it has handled the previous one: a SUBSCRIBE before it is done with, and
    /// a subscription place it took without MQTTnet adding the subscription is given back here.
    /// </summary>
    private void SettleSubscriptions()
    {
        if (_subscribing)
        {
            _subscribing = false;
            _context.Subscriptions.Settle(_clientId!);
        }
    }

    private async Task<MqttPacket> ReceiveAsync(CancellationToken cancellationToken)
    {
        SettleSubscriptions();
        MqttPacket packet;
        try
        {
            packet = await NextAsync(cancellationToken);
        }
        catch (Exception)
        {
            _keepAlive.Handling();
            await _context.Handover.EndingAsync(_clientId!, this, cancellationToken);
            throw;
        }

        _keepAlive.Handling();

        if (packet is null or MqttDisconnectPacket)
        {
            // MQTTnet's cleanup of this connection follows: a reconnection with the same id must not overlap it.
            await _context.Handover.EndingAsync(_clientId!, this, cancellationToken);
            return packet!;
        }

        if (packet is not MqttPublishPacket publish)
        {
            _subscribing = packet is MqttSubscribePacket;
            return packet;
        }

        if (publish.TopicAlias != 0)
        {
            // MQTTnet stores every alias (up to 65,535 topics of up to a packet each) before any interceptor runs, whatever
            // CONNACK said: the PUBLISH is refused here, before it reaches MQTTnet, and the connection ended (MQTT 5 §3.3.2.3.4).
            _context.Refusals.Report(RefusalReason.TopicAlias, RemoteEndPoint);
            await TrySendAsync(new MqttDisconnectPacket { ReasonCode = MqttDisconnectReasonCode.TopicAliasInvalid }, cancellationToken);
            return null!;
        }

        if (publish.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtMostOnce && _acknowledgements.RoomAsync() is { IsCompleted: false } room)
        {
            // As many payments in flight as the CONNACK's Receive Maximum allows (or, for MQTT 3.1.1, as it would have):
            // this one waits, unread by MQTTnet, for the oldest's acknowledgement to go.
            _context.Metrics.ReceiveMaximumWait();
            await room.WaitAsync(cancellationToken);
        }

        _acknowledgements.Received(publish);

        // MQTTnet awaits the publish interceptor before it asks for another packet, and a payment waits there while intake
        // is paused (the record is behind): meanwhile the next packet is read here, PINGREQs answered, so the client's own
        // keep-alive is served.
        _ahead = ReadAheadAsync(ReadToken(cancellationToken));
        return publish;
    }

    /// <summary>The packet read ahead while MQTTnet held the previous PUBLISH, or else the next one from the channel.</summary>
    private async Task<MqttPacket> NextAsync(CancellationToken cancellationToken)
    {
        _keepAlive.Waiting();
        if (_ahead is not { } ahead)
        {
            return await _inner.ReceivePacketAsync(ReadToken(cancellationToken));
        }

        _ahead = null;
        var (packet, failure) = await ahead;
        failure?.Throw();
        return packet!;
    }

    /// <summary>
    /// Reads while MQTTnet holds a PUBLISH: a PINGREQ is answered at once (MQTTnet never sees it), anything else is kept for
    /// MQTTnet's next request, and reading stops there, so a client's pipelined packets still wait in the connection. A
    /// failure is kept too, for that request to throw, as the read it stands for would have.
    /// </summary>
    private async Task<(MqttPacket? Packet, ExceptionDispatchInfo? Failure)> ReadAheadAsync(CancellationToken token)
    {
        try
        {
            while (true)
            {
                var packet = await _inner.ReceivePacketAsync(token);
                if (packet is not MqttPingReqPacket)
                {
                    return (packet, null);
                }

                _keepAlive.Heard();
                await _inner.SendPacketAsync(MqttPingRespPacket.Instance, token);
            }
        }
        catch (Exception ex)
        {
            return (null, ExceptionDispatchInfo.Capture(ex));
        }
    }

    /// <summary>
    /// MQTTnet's token for this connection (the same for every read), linked once with the keep-alive's expiry and the end of
    /// the connection here.
    /// </summary>
    private CancellationToken ReadToken(CancellationToken cancellationToken)
    {
        if (_reads is null || _readsFor != cancellationToken)
        {
            _reads?.Dispose();
            _reads = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _keepAlive.Expired, _ending.Token);
            _readsFor = cancellationToken;
        }

        return _reads.Token;
    }

    /// <summary>An acknowledgement whose turn came: written as MQTTnet would have, and counted in its statistics' place.</summary>
    private Task SendHeldAsync(MqttPacket acknowledgement) => _inner.SendPacketAsync(acknowledgement, _ending.Token);

    /// <summary>
    /// A payment held for its record was not recorded (the agent is stopping, or the pipeline gave it up): no PUBACK goes
    /// for it or for anything after it, and the connection ends (DISCONNECT 0x80 on MQTT 5, as MQTTnet would), so the
    /// terminal sends those payments again.
    /// </summary>
    private async Task EndUnrecordedAsync()
    {
        if (ProtocolVersion == MqttProtocolVersion.V500)
        {
            using var timeout = new CancellationTokenSource(DrainTime, _context.Time);
            await TrySendAsync(new MqttDisconnectPacket { ReasonCode = MqttDisconnectReasonCode.UnspecifiedError }, timeout.Token);
        }

        _ending.Cancel();
    }

    private async Task EndSilentAsync()
    {
        if (_connAckSent && ProtocolVersion == MqttProtocolVersion.V500)
        {
            using var timeout = new CancellationTokenSource(DrainTime, _context.Time);
            await TrySendAsync(new MqttDisconnectPacket { ReasonCode = MqttDisconnectReasonCode.KeepAliveTimeout }, timeout.Token);
        }

        _keepAlive.End();
    }

    private async Task<MqttPacket> ReceiveConnectAsync(CancellationToken cancellationToken)
    {
        _awaitingConnect = false;
        using var timeout = new CancellationTokenSource(_context.Limits.ConnectTimeout, _context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        MqttPacket packet;
        try
        {
            packet = await _inner.ReceivePacketAsync(linked.Token);
        }
        catch (MqttProtocolViolationException) when (IsMqtt311EmptyIdWithoutCleanSession())
        {
            // MQTTnet's decoder throws on this CONNECT and would close silently; MQTT 3.1.1 §3.1.3.1 wants CONNACK 0x02 first.
            _context.Refusals.Report(RefusalReason.ClientId, RemoteEndPoint);
            await TrySendAsync(new MqttConnAckPacket
            {
                ReturnCode = MqttConnectReturnCode.ConnectionRefusedIdentifierRejected,
                ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid,
            }, cancellationToken);
            return null!;
        }

        if (packet is MqttConnectPacket connect)
        {
            _terms = ConnectTerms.Negotiate(connect, ProtocolVersion, _context.Limits);
            _keepAlive.TakeOver(connect);
            _clientId = connect.ClientId;
            _clientMaximumPacketSize = ProtocolVersion == MqttProtocolVersion.V500 ? connect.MaximumPacketSize : 0;
        }
        else if (packet is not null)
        {
            _context.Refusals.Report(RefusalReason.NotConnect, RemoteEndPoint);
        }
        else if (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested && _pending?.IsClosedByGate != true)
        {
            _context.Refusals.Report(RefusalReason.ConnectTimeout, RemoteEndPoint);
        }

        return packet!;
    }

    private bool IsMqtt311EmptyIdWithoutCleanSession()
    {
        var head = _channel.Guard.ConnectHead;
        return head.Length == PacketSizeGuard.ConnectHeadLength && head[6] == 4 && (head[7] & 0x02) == 0 && head[10] == 0 && head[11] == 0;
    }

    private void Advertise(MqttConnAckPacket connAck)
    {
        _connAckSent = true;
        if (ProtocolVersion != MqttProtocolVersion.V500)
        {
            return;
        }

        connAck.MaximumPacketSize = (uint)_context.Limits.MaxPacketBytes;
        connAck.ReceiveMaximum = _context.Limits.ReceiveMaximum;
        connAck.RetainAvailable = false;
        connAck.TopicAliasMaximum = 0; // aliases would let one client grow an unbounded table of topics
        connAck.ServerKeepAlive = _terms.ServerKeepAlive;
        connAck.SessionExpiryInterval = _terms.SessionExpiryInterval ?? 0;
    }

    private async Task TrySendAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        try
        {
            await _inner.SendPacketAsync(packet, cancellationToken);
        }
        catch (Exception)
        {
            // The client is going away anyway; the refusal is counted.
        }
    }
}
