using System.Net;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Decides on each CONNECT (MQTTnet's ValidatingConnection event): the rate of CONNECTs from its address
/// (<see cref="ConnectRate"/>), the terms the connection could not be granted, the client id the agent keeps for
/// itself, then the access policy, a few password checks at a time (<see cref="PasswordCheckGate"/>), then the sessions
/// and connections its identity may hold (<see cref="IdentityQuota"/>). An accepted connection gets its identity.
/// </summary>
internal sealed class ConnectionGate(IBrokerAccess access, BrokerContext context)
{
    public async Task OnValidatingAsync(ValidatingConnectionEventArgs e)
    {
        if (e.ChannelAdapter is not BrokerConnection connection)
        {
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized; // every connection comes through BrokerListener
            return;
        }

        var v5 = e.ProtocolVersion == MqttProtocolVersion.V500;

        // MQTTnet turns 5.0 codes that 3.1.1 lacks into "unacceptable protocol version"; "server unavailable" says try later.
        var tryLater = v5 ? MqttConnectReasonCode.ConnectionRateExceeded : MqttConnectReasonCode.ServerUnavailable;
        if (!context.ConnectRate.TryAcquire(e.RemoteEndPoint))
        {
            // Before any credential is checked: a flood from one address costs no password hash.
            e.ReasonCode = tryLater;
            context.Refusals.Report(RefusalReason.ConnectionRate, e.RemoteEndPoint);
            return;
        }

        if (connection.Terms.Refusal is { } refusal)
        {
            e.ReasonCode = refusal switch
            {
                RefusalReason.RetainedWill => MqttConnectReasonCode.RetainNotSupported,

                // "The CONNECT is valid but is not accepted by this Server" (MQTT 5 §3.2.2.2): no reason string, which
                // could itself be larger than the client's limit.
                RefusalReason.MaximumPacketSize => MqttConnectReasonCode.ImplementationSpecificError,
                _ => MqttConnectReasonCode.ClientIdentifierNotValid,
            };
            context.Refusals.Report(refusal, e.RemoteEndPoint);
            return;
        }

        if (string.Equals(e.ClientId, EmbeddedBrokerIngest.AgentClientId, StringComparison.Ordinal))
        {
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            context.Refusals.Report(RefusalReason.ClientIdReserved, e.RemoteEndPoint);
            return;
        }

        var request = new BrokerConnectRequest
        {
            ClientId = e.ClientId,
            ClientIdAssigned = connection.Terms.ClientIdAssigned,
            UserName = e.UserName,
            Password = e.RawPassword,
            ClientCertificate = e.ClientCertificate,
            RemoteEndPoint = e.RemoteEndPoint as IPEndPoint,
            IsTls = e.IsSecureConnection,
            ProtocolLevel = (int)e.ProtocolVersion,
            CleanSession = e.CleanSession ?? true,
        };
        var password = !string.IsNullOrEmpty(e.UserName) && e.ClientCertificate is null;
        if (password && !await context.PasswordChecks.EnterAsync(e.CancellationToken))
        {
            e.ReasonCode = tryLater;
            context.Refusals.Report(RefusalReason.PasswordChecksBusy, e.RemoteEndPoint);
            return;
        }

        BrokerAuthentication result;
        try
        {
            result = await access.AuthenticateAsync(request, e.CancellationToken);
        }
        finally
        {
            if (password)
            {
                context.PasswordChecks.Release();
            }
        }

        if (!result.IsAccepted)
        {
            e.ReasonCode = result.Refusal switch
            {
                ConnectRefusal.BadCredentials => MqttConnectReasonCode.BadUserNameOrPassword,
                ConnectRefusal.ClientIdRejected => MqttConnectReasonCode.ClientIdentifierNotValid,
                ConnectRefusal.TryLater => tryLater,
                _ => MqttConnectReasonCode.NotAuthorized,
            };
            context.Refusals.Report(RefusalReason.Authentication, e.RemoteEndPoint);
            return;
        }

        if (connection.Terms.ClientIdAssigned && v5)
        {
            e.AssignedClientIdentifier = e.ClientId; // MQTT 5 §3.2.2.3.7: the client learns the id it was given
        }

        await context.Handover.ConnectingAsync(e.ClientId, connection, e.CancellationToken);
        if (context.Identities.TryAdmit(result.Identity!, e.ClientId) is { } quota)
        {
            e.ReasonCode = v5 ? MqttConnectReasonCode.QuotaExceeded : MqttConnectReasonCode.ServerUnavailable;
            context.Refusals.Report(quota, e.RemoteEndPoint);
            return;
        }

        if (e.CleanSession != false)
        {
            context.SessionEnded(e.ClientId, replaced: true); // a clean start replaces any session this client had, and its subscriptions
        }

        connection.Accept(result.Identity!);
    }
}
