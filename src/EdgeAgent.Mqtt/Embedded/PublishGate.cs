using System.Threading.Channels;
using EdgeAgent.Core.Pipeline;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Every PUBLISH the broker receives (MQTTnet's InterceptingPublish event). MQTTnet awaits it on the client's receive
/// loop and queues the PUBACK only after it returns (MqttConnectedClient.HandleIncomingPublishPacket), so a payment's
/// PUBACK waits here until its record is durable (the pipeline's settlement) and its answer written to this connection.
/// A payment is taken out of the broker here: never routed, never retained, handed to the pipeline with every property
/// the client controls. The agent's own answers pass; anything else is routed as
/// usual if it is not retained and the access policy allows it. The price of holding the PUBACK here: the connection
/// reads nothing else meanwhile, so one connection has one payment in the pipeline at a time.
/// </summary>
internal sealed partial class PublishGate(string topicRoot, IBrokerAccess access, BrokerContext context, CancellationToken stopping)
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
        var received = context.Time.GetTimestamp();
        if (string.Equals(e.ClientId, EmbeddedBrokerIngest.AgentClientId, StringComparison.Ordinal))
        {
            return; // one of the agent's answers (no client may connect with that id)
        }

        var message = e.ApplicationMessage;
        var identity = context.Connections.IdentityOf(e.ClientId);
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

        var settlement = new PaymentSettlement(e.ClientId, context.Time);
        var recorded = false;
        var handed = 0L;
        try
        {
            await sink.EnqueueAsync(Inbound(message, identity, e.ClientId, received, settlement), stopping);
            handed = context.Time.GetTimestamp();
            recorded = await settlement.Recorded.WaitAsync(stopping);
            if (!recorded)
            {
                e.CloseConnection = true;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            settlement.Abandon();
            e.CloseConnection = true;
        }

        if (settlement.Answer is { } answer)
        {
            await AnswerWrittenAsync(answer, recorded);
        }

        if (recorded && context.Logger.IsEnabled(LogLevel.Debug))
        {
            ReportSettled(e.ClientId, received, handed, settlement);
        }
    }

    /// <summary>Where one payment's hold went, stage by stage, each from its receipt: read, handed to the pipeline, answered, recorded, PUBACK released.</summary>
    private void ReportSettled(string clientId, long received, long handed, PaymentSettlement settlement)
    {
        double Since(long at) => at == 0 ? -1 : context.Time.GetElapsedTime(received, at).TotalMilliseconds;
        LogSettled(context.Logger, clientId, Since(context.Time.GetTimestamp()), Since(handed), Since(settlement.AnsweredTimestamp), Since(settlement.RecordedTimestamp));
    }

    /// <summary>
    /// The payment's answer is on its payer's wire, or the bounded wait for that is over: its PUBACK may go. Awaited here,
    /// on the payer's own connection, so a connection that does not read holds up its own PUBACK only, never the payments
    /// recorded with it. Past the wait the PUBACK goes; the answer stays owed and is offered again when the terminal
    /// resubscribes.
    /// </summary>
    private async Task AnswerWrittenAsync(OwedAnswer answer, bool recorded)
    {
        if (recorded && answer.QueuedForPayer && context.Connections.Of(answer.Payer) is not null)
        {
            try
            {
                await answer.Written.WaitAsync(context.Limits.AnswerWriteWait, context.Time, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                context.Refusals.Report(RefusalReason.AnswerWriteWait, null);
            }
        }

        answer.Publishing = false;
    }

    // The broker refuses larger packets before reading them; the payload check stays so it is bounded whatever the path.
    // The terminal's own hop, seen by this broker: a card number in clear may come this way only (Validation:ClearPan).
    private InboundMessage Inbound(MqttApplicationMessage message, BrokerIdentity identity, string clientId, long received, PaymentSettlement settlement) =>
        InboundMapping.From(
            message,
            context.Limits.MaxPacketBytes,
            identity.Name,
            Security.BrokerExposure.IsLoopback(context.Connections.Of(clientId)?.RemoteEndPoint),
            received,
            context.Time.GetUtcNow(),
            settlement);

    private void CheckOther(InterceptingPublishEventArgs e, MqttApplicationMessage message, BrokerIdentity? identity)
    {
        if (message.Retain)
        {
            // Nothing is kept for later subscribers here (CONNACK says Retain Available = 0), so nothing can be planted either.
            e.ProcessPublish = false;
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

    [LoggerMessage(EventId = 212, Level = LogLevel.Debug,
        Message = "Payment from {ClientId} held {HeldMs:0.0} ms: handed to the pipeline after {HandedMs:0.0} ms, answered after {AnsweredMs:0.0} ms, recorded after {RecordedMs:0.0} ms")]
    private static partial void LogSettled(ILogger logger, string clientId, double heldMs, double handedMs, double answeredMs, double recordedMs);

    private void Refuse(InterceptingPublishEventArgs e, RefusalReason reason, MqttPubAckReasonCode code = MqttPubAckReasonCode.NotAuthorized)
    {
        // MQTT 5 clients see the reason code in the PUBACK; MQTT 3.1.1 has none, and the message is dropped as mosquitto does.
        e.Response.ReasonCode = code;
        context.Refusals.Report(reason, null);
    }
}
