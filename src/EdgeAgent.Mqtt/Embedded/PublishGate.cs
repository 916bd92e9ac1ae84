using System.Threading.Channels;
using EdgeAgent.Core.Pipeline;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Every PUBLISH the broker receives (MQTTnet's InterceptingPublish event). MQTTnet awaits it on the client's receive
/// loop and queues the PUBACK once it returns (MqttConnectedClient.HandleIncomingPublishPacket). A payment is taken out of
/// the broker here: never routed, never retained, handed to the pipeline with every property the client controls, and its
/// PUBACK held by the connection (<see cref="HeldAcknowledgements"/>) until its record is durable (the pipeline's
/// settlement) and its answer written to the payer's connection. The interceptor returns once the payment is in the
/// pipeline, so a connection's payments are taken in the order they came, several in flight while the device flushes;
/// it waits only while the pipeline's intake is paused. The agent's own answers pass; anything else is routed as usual if
/// it is not retained and the access policy allows it.
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
        var connection = context.Connections.Of(e.ClientId);
        var identity = connection?.Identity;
        if (!PaymentTopics.IsPaymentTopic(message.Topic, topicRoot))
        {
            CheckOther(e, message, identity);
            return;
        }

        e.ProcessPublish = false; // a payment, which may carry a card number, goes nowhere but to the pipeline
        if (connection is null || identity is null)
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
        try
        {
            await sink.EnqueueAsync(Inbound(message, identity, connection, received, settlement), stopping);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            settlement.Abandon();
            e.CloseConnection = true;
            return;
        }

        var settled = SettleAsync(e.ClientId, received, context.Time.GetTimestamp(), settlement);
        if (!connection.HoldAcknowledgement(settled) && !await settled)
        {
            e.CloseConnection = true; // QoS 0: nothing to hold, so the connection waits here for the record, as it always did
        }
    }

    /// <summary>
    /// The payment's PUBACK may go once this completes with true: it is recorded, and its answer written to the payer's
    /// connection (or the bounded wait for that is over). False when it was abandoned: no PUBACK, the connection ends.
    /// </summary>
    private async Task<bool> SettleAsync(string clientId, long received, long handed, PaymentSettlement settlement)
    {
        bool recorded;
        try
        {
            recorded = await settlement.Recorded.WaitAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            settlement.Abandon();
            recorded = false;
        }

        if (settlement.Answer is { } answer)
        {
            await AnswerWrittenAsync(answer, recorded);
        }

        if (recorded && context.Logger.IsEnabled(LogLevel.Debug))
        {
            ReportSettled(clientId, received, handed, settlement);
        }

        return recorded;
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
    private InboundMessage Inbound(MqttApplicationMessage message, BrokerIdentity identity, BrokerConnection connection, long received, PaymentSettlement settlement) =>
        InboundMapping.From(
            message,
            context.Limits.MaxPacketBytes,
            identity.Name,
            Security.BrokerExposure.IsLoopback(connection.RemoteEndPoint),
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
