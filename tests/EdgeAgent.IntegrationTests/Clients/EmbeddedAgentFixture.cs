
namespace EdgeAgent.IntegrationTests.Clients;

/// <summary>One agent on its embedded broker (a free port) for a class of client tests.</summary>
public sealed class EmbeddedAgentFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new();

    public int Port { get; } = FreePort.Next();

    internal InProcessAgent Agent { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={Port}", "Inference:Provider=Cpu");

    public async Task DisposeAsync()
    {
        await Agent.DisposeAsync();
        _data.Dispose();
    }
}
