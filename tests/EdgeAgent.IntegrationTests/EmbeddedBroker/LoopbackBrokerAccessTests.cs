using System.Net;
using System.Text;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Embedded;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

public sealed class LoopbackBrokerAccessTests
{
    private static BrokerConnectRequest Request(string address, string? user = null, string? password = null) => new()
    {
        ClientId = "t1",
        RemoteEndPoint = new IPEndPoint(IPAddress.Parse(address), 40000),
        UserName = user,
        Password = password is null ? null : Encoding.UTF8.GetBytes(password),
    };

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task ClientOnTheSameHost_IsAcceptedAsItsClientId(string address)
    {
        var result = await new LoopbackBrokerAccess(new MqttOptions()).AuthenticateAsync(Request(address), CancellationToken.None);

        Assert.True(result.IsAccepted);
        Assert.Equal("t1", result.Identity!.Name);
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("192.168.1.20")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:10.0.0.5")]
    public async Task ClientFromTheNetwork_IsRefused(string address)
    {
        var result = await new LoopbackBrokerAccess(new MqttOptions()).AuthenticateAsync(Request(address), CancellationToken.None);

        Assert.Equal(ConnectRefusal.NotAuthorized, result.Refusal);
    }

    [Theory]
    [InlineData("pos", "secret", true)]
    [InlineData("pos", "wrong", false)]
    [InlineData("other", "secret", false)]
    [InlineData(null, null, false)]
    public async Task SharedCredentials_WhenSet_AreRequired(string? user, string? password, bool accepted)
    {
        var access = new LoopbackBrokerAccess(new MqttOptions { Username = "pos", Password = "secret" });

        var result = await access.AuthenticateAsync(Request("127.0.0.1", user, password), CancellationToken.None);

        Assert.Equal(accepted, result.IsAccepted);
        Assert.Equal(accepted ? ConnectRefusal.None : ConnectRefusal.BadCredentials, result.Refusal);
    }
}
