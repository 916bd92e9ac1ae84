using System.Text;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>Card data stays out of reach: payments are never routed or retained, and the access policy is asked where it should be.</summary>
public sealed class AccessTests : IAsyncLifetime
{
    private readonly RecordingAccess _access = new()
    {
        DenyPaymentsContaining = "/t9/",
        ResponseTopicPrefix = "test/",
        DenyPublishContaining = "/decisions",
        DenySubscriptionsContaining = "forbidden",
    };

    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync(access: _access);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Theory]
    [InlineData("#")]
    [InlineData("pos/#")]
    [InlineData("pos/+/+/payments")]
    [InlineData("pos/store-1/t1/payments")]
    [InlineData("+/+/+/+")]
    public async Task SubscriptionThatCouldMatchPayments_IsRefused(string filter)
    {
        await using var spy = await TestClient.ConnectAsync(_broker.Port);

        var result = await spy.SubscribeAsync(filter);

        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(result.Items).ResultCode);
        Assert.Equal(1, _broker.Metrics.Refusals("subscription_payments"));
    }

    [Fact]
    public async Task Mqtt311SpyOnHash_GetsTheFailureCode()
    {
        await using var spy = await TestClient.ConnectAsync(_broker.Port, version: MqttProtocolVersion.V311);

        var result = await spy.SubscribeAsync("#");

        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, Assert.Single(result.Items).ResultCode); // 0x80, all MQTT 3.1.1 has
    }

    [Fact]
    public async Task Payments_NeverReachASubscriber_WhileTheirAnswersDo()
    {
        await using var spy = await TestClient.ConnectAsync(_broker.Port);
        await spy.SubscribeAsync("pos/+/+/decisions");
        await spy.SubscribeAsync("pos/#"); // refused
        await using var terminal = await TestClient.ConnectAsync(_broker.Port);

        await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-1"));
        var answer = await spy.NextAsync();

        Assert.Equal("pos/store-1/t1/decisions", answer.Topic);
        Assert.DoesNotContain(Payloads.Pan, Encoding.UTF8.GetString(answer.Payload));
        Assert.Empty(spy.Drain());
    }

    [Fact]
    public async Task RetainedPayment_GoesToThePipelineMarkedRetained_AndIsNeverStored()
    {
        await using var terminal = await TestClient.ConnectAsync(_broker.Port);

        var result = await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-r"), retain: true);

        Assert.True(result.IsSuccess);
        Assert.True(Assert.Single(_broker.Sink.Received).Retain);
        Assert.Empty(await _broker.Ingest.Server.GetRetainedMessagesAsync());
    }

    [Fact]
    public async Task RetainedMessage_OnAnyOtherTopic_IsRefusedAndNotStored()
    {
        await using var client = await TestClient.ConnectAsync(_broker.Port);

        var result = await client.PublishAsync("test/status", "up"u8.ToArray(), retain: true);

        Assert.Equal(MqttClientPublishReasonCode.ImplementationSpecificError, result.ReasonCode);
        Assert.Empty(await _broker.Ingest.Server.GetRetainedMessagesAsync());
        Assert.Equal(1, _broker.Metrics.Refusals("retained"));
    }

    [Fact]
    public async Task PaymentThePolicyRefuses_IsNotAcceptedAndNeverReachesThePipeline()
    {
        await using var terminal = await TestClient.ConnectAsync(_broker.Port);

        var result = await terminal.PublishAsync(Payloads.Topic("store-1", "t9"), Payloads.Payment("tx-9"));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        Assert.Empty(_broker.Sink.Received);
        Assert.Equal(1, _broker.Metrics.Refusals("payment_denied"));
    }

    [Fact]
    public async Task ResponseTopicThePolicyRefuses_IsNotAccepted()
    {
        await using var terminal = await TestClient.ConnectAsync(_broker.Port);

        var result = await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-rt"), "pos/store-2/t1/decisions", [1]);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        Assert.Empty(_broker.Sink.Received);
        Assert.Equal(1, _broker.Metrics.Refusals("response_topic_denied"));
    }

    [Fact]
    public async Task ForgedAnswer_ThePolicyRefuses_IsNotRouted()
    {
        await using var terminal = await TestClient.ConnectAsync(_broker.Port);
        await terminal.SubscribeAsync("pos/store-1/t1/decisions");
        await using var forger = await TestClient.ConnectAsync(_broker.Port);

        var result = await forger.PublishAsync("pos/store-1/t1/decisions", """{"decision":"approve"}"""u8.ToArray());
        await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-real"));
        var first = await terminal.NextAsync();

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        Assert.Contains("\"answer\"", Encoding.UTF8.GetString(first.Payload)); // the agent's own answer, not the forged one
    }

    [Fact]
    public async Task SubscriptionThePolicyRefuses_IsRefused_AndOthersAreGranted()
    {
        await using var client = await TestClient.ConnectAsync(_broker.Port);

        var refused = await client.SubscribeAsync("test/forbidden/x");
        var granted = await client.SubscribeAsync("test/allowed/x", MqttQualityOfServiceLevel.AtMostOnce);

        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(refused.Items).ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, Assert.Single(granted.Items).ResultCode);
        Assert.Equal(1, _broker.Metrics.Refusals("subscription_denied"));
    }

    [Fact]
    public async Task Payment_CarriesTheIdentityTheConnectionAuthenticatedAs()
    {
        await using var terminal = await TestClient.ConnectAsync(_broker.Port, "t1-client");

        await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-id"));

        Assert.Equal("identity-of-t1-client", Assert.Single(_broker.Sink.Received).SenderId);
    }
}
