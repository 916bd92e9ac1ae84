using System.Net;
using System.Text;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Security;
using EdgeAgent.Security.Credentials;
using Microsoft.Extensions.Time.Testing;
using MQTTnet.Protocol;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>What each identity may publish, subscribe to and be answered on, and that each refusal is counted.</summary>
public sealed class TerminalAuthorizationTests : TerminalAccessPolicyTests
{
    [Fact]
    public void Payment_OnItsOwnTopic_IsAllowed_OnAnotherTerminals_Refused()
    {
        var policy = Policy();

        Assert.True(policy.AuthorizePublish(T1, "pos/store-1/t1/payments", retain: false).IsAllowed);
        Assert.True(policy.AuthorizePayment(T1, "store-1", "t1").IsAllowed);
        Assert.Equal(RefusalReason.OtherTerminal, policy.AuthorizePublish(T1, "pos/store-1/t2/payments", retain: false).Reason);
        Assert.Equal(RefusalReason.OtherTerminal, policy.AuthorizePublish(T1, "pos/store-2/t1/payments", retain: false).Reason);
        Assert.Equal(RefusalReason.OtherTerminal, policy.AuthorizePayment(T1, "store-1", "t2").Reason);
        AssertCounted(policy, RefusalReason.OtherTerminal, 3);
    }

    [Theory]
    [InlineData("pos/store-1/t1/decisions")]
    [InlineData("pos/store-1/t2/decisions")]
    [InlineData("pos/store-1/t1/responses/x")]
    [InlineData("elsewhere/topic")]
    public void Terminal_PublishesNothingButItsPayments(string topic)
    {
        var policy = Policy();
        Assert.Equal(RefusalReason.TopicNotAllowed, policy.AuthorizePublish(T1, topic, retain: false).Reason);
        AssertCounted(policy, RefusalReason.TopicNotAllowed);
    }

    [Fact]
    public void RetainedMessages_AreRefusedToEveryone()
    {
        var policy = Policy();
        Assert.Equal(RefusalReason.Retained, policy.AuthorizePublish(T1, "pos/store-1/t1/payments", retain: true).Reason);
        Assert.Equal(RefusalReason.Retained, policy.AuthorizePublish(TerminalIdentity.Local, "test/answers", retain: true).Reason);
        AssertCounted(policy, RefusalReason.Retained, 2);
    }

    [Fact]
    public void Local_MayPayAsAnyTerminal_ButNotForgeAnswers()
    {
        var policy = Policy(new MqttOptions());
        Assert.True(policy.AuthorizePublish(TerminalIdentity.Local, "pos/store-9/t4/payments", false).IsAllowed);
        Assert.True(policy.AuthorizePublish(TerminalIdentity.Local, "pos/store-1/payments", false).IsAllowed); // answered invalid_topic by the pipeline
        Assert.True(policy.AuthorizePublish(TerminalIdentity.Local, "sim/run/answers", false).IsAllowed);
        Assert.Equal(RefusalReason.TopicNotAllowed, policy.AuthorizePublish(TerminalIdentity.Local, "pos/store-9/t4/decisions", false).Reason);
        Assert.Equal(RefusalReason.TopicNotAllowed, policy.AuthorizePublish(Ops, "pos/store-1/t1/payments", false).Reason);
    }

    [Theory]
    [InlineData("pos/store-1/t1/decisions", null)]
    [InlineData("pos/store-1/t1/responses/abc", null)]
    [InlineData("pos/store-1/t1/responses/#", null)]
    [InlineData("#", RefusalReason.WildcardSubscription)]
    [InlineData("pos/#", RefusalReason.WildcardSubscription)]
    [InlineData("pos/+/+/decisions", RefusalReason.WildcardSubscription)]
    [InlineData("pos/store-1/+/decisions", RefusalReason.WildcardSubscription)]
    [InlineData("pos/store-1/t1/#", RefusalReason.WildcardSubscription)]
    [InlineData("pos/store-1/t1/+", RefusalReason.WildcardSubscription)]
    [InlineData("+/store-1/t1/decisions", RefusalReason.WildcardSubscription)]
    [InlineData("pos/store-1/t2/decisions", RefusalReason.SubscriptionNotAllowed)]
    [InlineData("pos/store-1/t1/payments", RefusalReason.SubscriptionNotAllowed)]
    [InlineData("$share/g/pos/store-1/t1/decisions", RefusalReason.SubscriptionNotAllowed)]
    [InlineData("other/topic", RefusalReason.SubscriptionNotAllowed)]
    public void Terminal_SubscribesOnlyToItsOwnDecisionsAndResponses(string filter, RefusalReason? refusal)
    {
        var policy = Policy();
        Assert.Equal(refusal, policy.AuthorizeSubscription(T1, filter).Reason);
        if (refusal is { } reason)
        {
            AssertCounted(policy, reason);
        }
    }

    [Theory]
    [InlineData("pos/+/+/decisions", null)]
    [InlineData("pos/store-1/+/responses/#", null)]
    [InlineData("pos/+/+/+", RefusalReason.WildcardSubscription)]
    [InlineData("pos/+/+/payments", RefusalReason.SubscriptionNotAllowed)]
    [InlineData("pos/#", RefusalReason.WildcardSubscription)]
    public void Operator_ReadsEveryTerminalsAnswers_NeverPayments(string filter, RefusalReason? refusal) =>
        Assert.Equal(refusal, Policy().AuthorizeSubscription(Ops, filter).Reason);

    [Theory]
    [InlineData("test/term-1/answers", null)]
    [InlineData("pos/store-9/t4/decisions", null)]
    [InlineData("#", RefusalReason.WildcardSubscription)]
    [InlineData("pos/+/+/decisions", null)]
    [InlineData("pos/+/+/responses/tool-1", null)]
    [InlineData("pos/+/+/+", RefusalReason.WildcardSubscription)]
    [InlineData("pos/+/+/payments", RefusalReason.SubscriptionNotAllowed)]
    [InlineData("pos/#", RefusalReason.WildcardSubscription)]
    [InlineData("$SYS/#", RefusalReason.SubscriptionNotAllowed)]
    public void Local_ReadsAnswersAsAnOperatorDoes_NeverPayments(string filter, RefusalReason? refusal) =>
        Assert.Equal(refusal, Policy(new MqttOptions()).AuthorizeSubscription(TerminalIdentity.Local, filter).Reason);

    [Theory]
    [InlineData("pos/store-1/t1/decisions", true)]
    [InlineData("pos/store-1/t1/responses/pos-app", true)]
    [InlineData("pos/store-1/t2/decisions", false)]
    [InlineData("pos/store-1/t1/payments", false)]
    [InlineData("pos/store-1/t1/responses/", false)]
    [InlineData("pos/store-1/t1/responses/+", false)]
    [InlineData("elsewhere/answers", false)]
    [InlineData("$SYS/x", false)]
    public void ResponseTopic_MustLieUnderTheSendersOwnPrefix(string responseTopic, bool allowed)
    {
        var policy = Policy();
        Assert.Equal(allowed, policy.AuthorizeResponseTopic(T1, "store-1", "t1", responseTopic).IsAllowed);
        if (!allowed)
        {
            AssertCounted(policy, RefusalReason.ResponseTopic);
        }
    }

    [Fact]
    public void ResponseTopic_OfALocalClient_IsTheNamedTerminals_AsThePipelineRequires()
    {
        var policy = Policy(new MqttOptions());
        Assert.False(policy.AuthorizeResponseTopic(TerminalIdentity.Local, "store-1", "t1", "test/term-1/answers").IsAllowed);
        Assert.True(policy.AuthorizeResponseTopic(TerminalIdentity.Local, "store-1", "t1", "pos/store-1/t1/responses/tool-1").IsAllowed);
        Assert.True(policy.AuthorizeResponseTopic(TerminalIdentity.Local, "store-1", "t1", "pos/store-1/t1/decisions").IsAllowed);
        Assert.False(policy.AuthorizeResponseTopic(TerminalIdentity.Local, "store-1", "t1", "pos/store-1/t2/decisions").IsAllowed);
        Assert.False(policy.AuthorizeResponseTopic(T1, "store-1", "t2", "pos/store-1/t2/decisions").IsAllowed);
    }

    [Theory]
    [InlineData("store-1/t1", "store-1/t1")]
    [InlineData("4111-1111-1111-1111", "####-####-####-####")]
    [InlineData("pos/store-1/4111111111111111/payments", "pos/store-#/################/payments")]
    [InlineData(null, "-")]
    public void LoggedClientText_NeverCarriesACardNumber(string? text, string logged) =>
        Assert.Equal(logged, TerminalAccessPolicy.LogSafe(text));
}
