using System.Collections.Concurrent;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Embedded;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

/// <summary>An access policy for tests: the loopback one, recording every CONNECT, with refusals on demand.</summary>
internal sealed class RecordingAccess : IBrokerAccess
{
    private readonly LoopbackBrokerAccess _loopback = new(new MqttOptions());

    public ConcurrentQueue<BrokerConnectRequest> Requests { get; } = new();

    /// <summary>Payment topics containing this are refused.</summary>
    public string? DenyPaymentsContaining { get; init; }

    /// <summary>Response topics outside this prefix are refused.</summary>
    public string? ResponseTopicPrefix { get; init; }

    /// <summary>Topics (other than payments) containing this may not be published to.</summary>
    public string? DenyPublishContaining { get; init; }

    /// <summary>Filters containing this are refused.</summary>
    public string? DenySubscriptionsContaining { get; init; }

    public async ValueTask<BrokerAuthentication> AuthenticateAsync(BrokerConnectRequest request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        var result = await _loopback.AuthenticateAsync(request, cancellationToken);
        return result.IsAccepted ? BrokerAuthentication.Accept(new BrokerIdentity("identity-of-" + request.ClientId, "store-1", "t1")) : result;
    }

    public bool MayPublishPayment(BrokerIdentity identity, string topic) =>
        DenyPaymentsContaining is null || !topic.Contains(DenyPaymentsContaining, StringComparison.Ordinal);

    public bool MayUseResponseTopic(BrokerIdentity identity, string responseTopic) =>
        ResponseTopicPrefix is null || responseTopic.StartsWith(ResponseTopicPrefix, StringComparison.Ordinal);

    public bool MayPublish(BrokerIdentity identity, string topic) =>
        DenyPublishContaining is null || !topic.Contains(DenyPublishContaining, StringComparison.Ordinal);

    public bool MaySubscribe(BrokerIdentity identity, string topicFilter) =>
        DenySubscriptionsContaining is null || !topicFilter.Contains(DenySubscriptionsContaining, StringComparison.Ordinal);
}
