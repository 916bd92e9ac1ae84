using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Decides on each subscription (MQTTnet's InterceptingSubscription event): one that could match a payment topic is
/// always refused; the rest as the access policy says, then within the session's quota of filters. A refused filter
/// gets SUBACK 0x87 (MQTT 5; 0x97 beyond the quota) or 0x80 (3.1.1).
/// </summary>
internal sealed class SubscriptionGate(IBrokerAccess access, PaymentTopicFilters payments, BrokerContext context)
{
    public Task OnSubscribingAsync(InterceptingSubscriptionEventArgs e)
    {
        var filter = e.TopicFilter.Topic;
        if (payments.CanMatchPayment(filter))
        {
            Refuse(e, RefusalReason.SubscriptionPayments);
        }
        else if (context.Connections.IdentityOf(e.ClientId) is not { } identity || !access.MaySubscribe(identity, filter))
        {
            Refuse(e, RefusalReason.SubscriptionDenied);
        }
        else if (!context.Subscriptions.TryTake(e.ClientId, filter))
        {
            Refuse(e, RefusalReason.SubscriptionLimit, MqttSubscribeReasonCode.QuotaExceeded);
        }

        return Task.CompletedTask;
    }

    public Task OnUnsubscribedAsync(ClientUnsubscribedTopicEventArgs e)
    {
        context.Subscriptions.Release(e.ClientId, e.TopicFilter);
        return Task.CompletedTask;
    }

    private void Refuse(InterceptingSubscriptionEventArgs e, RefusalReason reason, MqttSubscribeReasonCode code = MqttSubscribeReasonCode.NotAuthorized)
    {
        e.ProcessSubscription = false;
        e.Response.ReasonCode = code;
        context.Refusals.Report(reason, null);
    }
}
