using EdgeAgent.Mqtt.Embedded;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Intercepted;

/// <summary>
/// Decides on each subscription (MQTTnet's InterceptingSubscription event): one that could match a payment topic is
/// always refused; the rest as the access policy says. A refused filter gets SUBACK 0x87 (MQTT 5) or 0x80 (3.1.1).
/// </summary>
internal sealed class InterceptedSubscriptionGate(IBrokerAccess access, PaymentTopicFilters payments, ConnectedIdentities identities, RefusalLog refusals)
{
    public Task OnSubscribingAsync(InterceptingSubscriptionEventArgs e)
    {
        var filter = e.TopicFilter.Topic;
        if (payments.CanMatchPayment(filter))
        {
            Refuse(e, RefusalReason.SubscriptionPayments);
        }
        else if (identities.Of(e.ClientId) is not { } identity || !access.MaySubscribe(identity, filter))
        {
            Refuse(e, RefusalReason.SubscriptionDenied);
        }

        return Task.CompletedTask;
    }

    private void Refuse(InterceptingSubscriptionEventArgs e, RefusalReason reason)
    {
        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        refusals.Report(reason, null);
    }
}
