using System.Text;
using System.Threading.Channels;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Mqtt.Embedded;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Intercepted;

/// <summary>
/// Every PUBLISH the server receives (MQTTnet's InterceptingPublish event). MQTTnet awaits it on the client's receive
/// loop and enqueues the PUBACK only after it returns (MqttConnectedClient.HandleIncomingPublishPacket), so a payment's
/// PUBACK is held here, until its record is durable, by awaiting the pipeline's settlement. The pipeline injects the
/// answer before it settles, so the answer is queued for the terminal before the PUBACK is. The price: the connection
/// reads nothing else meanwhile, so one connection has one payment in the pipeline at a time.
/// </summary>
internal sealed class PaymentInterceptor(string topicRoot, int maxPacketBytes, IBrokerAccess access, ConnectedIdentities identities, RefusalLog refusals,
    TimeProvider time, CancellationToken stopping)
{
    private IInboundSink? _sink;
    private volatile bool _receiving;

    public void StartReceiving(IInboundSink sink)
    {
        _sink = sink;
        _receiving = true;
    }

    public void StopReceiving() => _receiving = false;

    public async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        var received = time.GetTimestamp();
        if (string.Equals(e.ClientId, InterceptedBrokerIngest.AgentClientId, StringComparison.Ordinal))
        {
            return; // the agent's own answer (no client may connect with that id)
        }

        var message = e.ApplicationMessage;
        var identity = identities.Of(e.ClientId);
        if (!PaymentTopics.IsPaymentTopic(message.Topic, topicRoot))
        {
            CheckOther(e, message, identity);
            return;
        }

        e.ProcessPublish = false; // a payment, which may carry a card number, goes nowhere but to the pipeline
        if (identity is null)
        {
            Refuse(e, RefusalReason.Unauthenticated);
            return;
        }

        if (!access.MayPublishPayment(identity, message.Topic))
        {
            Refuse(e, RefusalReason.PaymentDenied);
            return;
        }

        if (message.ResponseTopic is { } responseTopic && !access.MayUseResponseTopic(identity, responseTopic))
        {
            Refuse(e, RefusalReason.ResponseTopicDenied);
            return;
        }

        if (!_receiving || _sink is not { } sink)
        {
            e.CloseConnection = true; // no PUBACK: the terminal sends it again once the agent is back
            return;
        }

        var settlement = new InterceptedSettlement();
        try
        {
            await sink.EnqueueAsync(Inbound(message, identity, identities.OverLoopback(e.ClientId), received, settlement), stopping);
            if (!await settlement.Recorded.WaitAsync(stopping))
            {
                e.CloseConnection = true;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            settlement.Abandon();
            e.CloseConnection = true;
        }
    }

    private InboundMessage Inbound(MqttApplicationMessage message, BrokerIdentity identity, bool overLoopback, long received, InterceptedSettlement settlement)
    {
        var userProperties = message.UserProperties;
        var userPropertyBytes = 0L;
        if (userProperties is not null)
        {
            foreach (var property in userProperties)
            {
                userPropertyBytes += Encoding.UTF8.GetByteCount(property.Name) + property.ValueBuffer.Length;
            }
        }

        return new InboundMessage
        {
            Topic = message.Topic,
            // MQTTnet's own listener reads a packet whole, whatever its size; the payload handed on is bounded here.
            Payload = ReceivedPayload.Take(message.Payload, maxPacketBytes),
            ReceivedLength = message.Payload.Length,
            ResponseTopic = message.ResponseTopic,
            CorrelationData = message.CorrelationData,
            ContentType = message.ContentType,
            UserPropertyCount = userProperties?.Count ?? 0,
            UserPropertyBytes = (int)Math.Min(userPropertyBytes, int.MaxValue),
            Qos = (int)message.QualityOfServiceLevel,
            Retain = message.Retain,
            SenderId = identity.Name,
            ArrivedOverLoopback = overLoopback,
            ReceivedTimestamp = received,
            ReceivedAt = time.GetUtcNow(),
            Settlement = settlement,
        };
    }

    private void CheckOther(InterceptingPublishEventArgs e, MqttApplicationMessage message, BrokerIdentity? identity)
    {
        if (message.Retain)
        {
            e.ProcessPublish = false; // nothing is kept for later subscribers, so nothing can be planted either
            Refuse(e, RefusalReason.Retained, MqttPubAckReasonCode.ImplementationSpecificError);
        }
        else if (identity is null)
        {
            e.ProcessPublish = false;
            Refuse(e, RefusalReason.Unauthenticated);
        }
        else if (!access.MayPublish(identity, message.Topic))
        {
            e.ProcessPublish = false;
            Refuse(e, RefusalReason.PublishDenied);
        }
    }

    private void Refuse(InterceptingPublishEventArgs e, RefusalReason reason, MqttPubAckReasonCode code = MqttPubAckReasonCode.NotAuthorized)
    {
        // MQTT 5 clients see the reason code in the PUBACK; MQTT 3.1.1 has none, and the message is dropped as mosquitto does.
        e.Response.ReasonCode = code;
        refusals.Report(reason, null);
    }
}
