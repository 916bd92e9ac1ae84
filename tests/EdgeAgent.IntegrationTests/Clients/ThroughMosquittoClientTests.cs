namespace EdgeAgent.IntegrationTests.Clients;

/// <summary>
/// The same third-party clients against the agent behind a real mosquitto: what the embedded broker must match.
/// </summary>
public sealed class ThroughMosquittoClientTests(MosquittoAgentFixture rig) : IClassFixture<MosquittoAgentFixture>
{
    [Theory]
    [InlineData(5, true)]
    [InlineData(3, true)]
    [InlineData(5, false)]
    [InlineData(3, false)]
    public Task MosquittoClients_GetTheAnswerOnTheDecisionsTopic(int protocol, bool withClientIds) =>
        ClientScenarios.AnswerOnDecisionsTopicAsync(rig.Broker.Port, protocol, withClientIds, answerQos: 1);

    [Fact]
    public Task MosquittoRr_RequestResponse_GetsTheAnswer() =>
        ClientScenarios.MosquittoRequestResponseAsync(rig.Broker.Port);

    [Theory]
    [InlineData(5)]
    [InlineData(3)]
    public Task MqttJs_GetsTheAnswer(int protocol) =>
        ClientScenarios.MqttJsAsync(rig.Broker.Port, protocol, answerQos: 1, withClientId: true);

    [Fact]
    public async Task ReadmeManualExample_ThroughMosquitto_PrintsTheAnswer()
    {
        var script = ReadmeExample.ForPort(ReadmeExample.Script(), rig.Broker.Port);

        var (exit, output) = await ExternalProcess.RunAsync("bash", ["-euo", "pipefail", "-c", script], TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, $"the README example failed ({exit}):\n{output}");
        ClientScenarios.AssertScored(Assert.Single(output.Split('\n'), l => l.StartsWith('{')), "T-1");
    }
}
