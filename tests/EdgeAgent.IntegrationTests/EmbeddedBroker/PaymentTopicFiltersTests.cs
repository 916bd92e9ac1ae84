using EdgeAgent.Mqtt.Embedded;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

public sealed class PaymentTopicFiltersTests
{
    [Theory]
    [InlineData("#")]
    [InlineData("pos/#")]
    [InlineData("pos/+/+/payments")]
    [InlineData("pos/store-1/t1/payments")]
    [InlineData("pos/store-1/+/payments")]
    [InlineData("+/+/+/payments")]
    [InlineData("+/#")]
    [InlineData("pos/+/+/+")]
    [InlineData("pos/+")]
    [InlineData("pos/store-1/#")]
    [InlineData("pos/payments")]
    [InlineData("$share/g/pos/+/+/payments")]
    public void FilterThatCanMatchAPayment_IsRecognised(string filter) =>
        Assert.True(new PaymentTopicFilters("pos").CanMatchPayment(filter));

    [Theory]
    [InlineData("pos/+/+/decisions")]
    [InlineData("pos/store-1/t1/decisions")]
    [InlineData("pos")]
    [InlineData("other/+/+/payments")]
    [InlineData("pos/store-1/t1/payments/x")]
    [InlineData("test/answers/#")]
    [InlineData("+/+/+/decisions")]
    [InlineData("$share/g/pos/+/+/decisions")]
    public void FilterThatCannot_IsNot(string filter) =>
        Assert.False(new PaymentTopicFilters("pos").CanMatchPayment(filter));

    [Theory]
    [InlineData("acme/pos/#", true)]
    [InlineData("acme/+/s/t/payments", true)]
    [InlineData("acme/#", true)]
    [InlineData("acme", false)]
    [InlineData("acme/other/s/t/payments", false)]
    public void RootOfSeveralLevels_IsFollowedLevelByLevel(string filter, bool expected) =>
        Assert.Equal(expected, new PaymentTopicFilters("acme/pos").CanMatchPayment(filter));

    [Theory]
    [InlineData("pos/store-1/t1/payments")]
    [InlineData("pos/payments")]
    public void EveryPaymentTopic_IsMatchedByWhatTheFilterCheckRefuses(string topic)
    {
        Assert.True(Mqtt.PaymentTopics.IsPaymentTopic(topic, "pos"));
        Assert.True(new PaymentTopicFilters("pos").CanMatchPayment(topic));
    }
}
