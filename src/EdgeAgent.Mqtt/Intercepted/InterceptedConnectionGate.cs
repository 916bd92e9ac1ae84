using System.Net;
using EdgeAgent.Mqtt.Embedded;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Intercepted;

/// <summary>
/// Decides on each CONNECT (MQTTnet's ValidatingConnection event): the connection cap, the client id (one assigned to an
/// MQTT 5 client that sent none with a clean start; the agent's own refused), then the access policy.
/// </summary>
internal sealed class InterceptedConnectionGate(IBrokerAccess access, ConnectedIdentities identities, RefusalLog refusals, int maxConnections, Func<int> connected)
{
    public async Task OnValidatingAsync(ValidatingConnectionEventArgs e)
    {
        if (connected() >= maxConnections)
        {
            // Counted after the CONNECT was read: MQTTnet's own listener accepts every socket first.
            e.ReasonCode = MqttConnectReasonCode.ServerBusy;
            refusals.Report(RefusalReason.ConnectionLimit, e.RemoteEndPoint);
            return;
        }

        var clientId = e.ClientId;
        var assigned = false;
        if (string.IsNullOrEmpty(clientId))
        {
            if (e.ProtocolVersion != MqttProtocolVersion.V500 || e.CleanSession == false)
            {
                // MQTTnet assigns ids to MQTT 5 clients only; an MQTT 3.1.1 client without one is refused (CONNACK 0x02).
                e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
                refusals.Report(RefusalReason.ClientId, e.RemoteEndPoint);
                return;
            }

            clientId = ConnectTerms.AssignedPrefix + Guid.NewGuid().ToString("N");
            assigned = true;
        }

        if (string.Equals(clientId, InterceptedBrokerIngest.AgentClientId, StringComparison.Ordinal))
        {
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            refusals.Report(RefusalReason.ClientIdReserved, e.RemoteEndPoint);
            return;
        }

        var result = await access.AuthenticateAsync(new BrokerConnectRequest
        {
            ClientId = clientId,
            ClientIdAssigned = assigned,
            UserName = e.UserName,
            Password = e.RawPassword,
            ClientCertificate = e.ClientCertificate,
            RemoteEndPoint = e.RemoteEndPoint as IPEndPoint,
            IsTls = e.IsSecureConnection,
            ProtocolLevel = (int)e.ProtocolVersion,
            CleanSession = e.CleanSession ?? true,
        }, e.CancellationToken);
        if (!result.IsAccepted)
        {
            e.ReasonCode = result.Refusal switch
            {
                ConnectRefusal.BadCredentials => MqttConnectReasonCode.BadUserNameOrPassword,
                ConnectRefusal.ClientIdRejected => MqttConnectReasonCode.ClientIdentifierNotValid,
                _ => MqttConnectReasonCode.NotAuthorized,
            };
            refusals.Report(RefusalReason.Authentication, e.RemoteEndPoint);
            return;
        }

        if (assigned)
        {
            e.AssignedClientIdentifier = clientId; // MQTTnet takes it as the client id and tells the client (MQTT 5 §3.2.2.3.7)
        }

        identities.Accepted(clientId, result.Identity!, Security.BrokerExposure.IsLoopback(e.RemoteEndPoint));
    }
}
