
namespace EdgeAgent.IntegrationTests.Clients;

/// <summary>A real mosquitto and one agent reading payments from it, for a class of client tests.</summary>
public sealed class MosquittoAgentFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new();

    public MosquittoBroker Broker { get; } = new();

    internal InProcessAgent Agent { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Broker.InitializeAsync();
        Agent = await InProcessAgent.StartAsync(_data.Path, "Mqtt:Host=127.0.0.1", $"Mqtt:Port={Broker.Port}",
            "Mqtt:ClientId=agent-" + Guid.NewGuid().ToString("N")[..8], "Inference:Provider=Cpu");
    }

    public async Task DisposeAsync()
    {
        await Agent.DisposeAsync();
        await Broker.DisposeAsync();
        _data.Dispose();
    }
}
