namespace EdgeAgent.IntegrationTests.Clients;

/// <summary>
/// Third-party clients (mosquitto_pub / mosquitto_sub, MQTT.js) that give their client id, against the agent on its
/// embedded broker: MQTT 3.1.1 and 5, answers subscribed at QoS 0 and 1, MQTT 5 request/response.
/// <see cref="EmbeddedBrokerConformanceTests"/> has the clients that leave the id to the broker.
/// </summary>
public sealed class ThirdPartyClientTests(EmbeddedAgentFixture agent) : IClassFixture<EmbeddedAgentFixture>
{
    [Theory]
    [InlineData(5, 1)]
    [InlineData(5, 0)]
    [InlineData(3, 1)]
    [InlineData(3, 0)]
    public Task MosquittoClients_WithClientIds_GetTheAnswerOnTheDecisionsTopic(int protocol, int answerQos) =>
        ClientScenarios.AnswerOnDecisionsTopicAsync(agent.Port, protocol, withClientIds: true, answerQos);

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public Task MqttJs_Mqtt5RequestResponse_GetsTheAnswerOnItsResponseTopic_WithItsCorrelationData(int answerQos) =>
        ClientScenarios.MqttJsAsync(agent.Port, protocol: 5, answerQos, withClientId: true);

    [Fact]
    public Task MqttJs_Mqtt311_GetsTheAnswerOnTheDecisionsTopic() =>
        ClientScenarios.MqttJsAsync(agent.Port, protocol: 3, answerQos: 1, withClientId: true);
}
