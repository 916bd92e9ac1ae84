
namespace EdgeAgent.IntegrationTests.Clients;

/// <summary>
/// What the MQTT 3.1.1 and 5 specifications allow a client and the embedded broker must accept: an empty client id
/// with a clean session (the server assigns one; MQTT 5 returns it as Assigned Client Identifier), which is what
/// mosquitto_pub, mosquitto_sub and mosquitto_rr send unless given <c>-i</c> — and so what the README's manual
/// example does. <see cref="ThroughMosquittoClientTests"/> runs the same clients through mosquitto.
/// </summary>
public sealed class EmbeddedBrokerConformanceTests(EmbeddedAgentFixture agent) : IClassFixture<EmbeddedAgentFixture>
{
    [Theory]
    [InlineData(5)]
    [InlineData(3)]
    public Task MosquittoClients_WithEmptyClientIds_AndCleanSessions_GetTheAnswer(int protocol) =>
        ClientScenarios.AnswerOnDecisionsTopicAsync(agent.Port, protocol, withClientIds: false, answerQos: 1);

    [Fact]
    public Task MosquittoRr_RequestResponse_WithoutClientId_GetsTheAnswer() =>
        ClientScenarios.MosquittoRequestResponseAsync(agent.Port);

    [Fact]
    public Task MqttJs_Mqtt5_WithEmptyClientId_GetsTheAnswer() =>
        ClientScenarios.MqttJsAsync(agent.Port, protocol: 5, answerQos: 1, withClientId: false);

    [Fact]
    public async Task ReadmeManualExample_RunVerbatim_PrintsTheAnswer()
    {
        // The one change: the README's port flag points at this agent's free port instead of the default 1883.
        var script = ReadmeExample.ForPort(ReadmeExample.Script(), agent.Port);

        var (exit, output) = await ExternalProcess.RunAsync("bash", ["-euo", "pipefail", "-c", script], TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, $"the README example failed ({exit}):\n{output}");
        ClientScenarios.AssertScored(Assert.Single(output.Split('\n'), l => l.StartsWith('{')), "T-1");
    }
}
