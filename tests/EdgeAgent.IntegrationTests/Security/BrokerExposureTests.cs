using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Security;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>Plaintext and anonymous access only on loopback: anything wider refuses to start unless explicitly allowed.</summary>
public sealed class BrokerExposureTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _files = new();

    public void Dispose()
    {
        _data.Dispose();
        _files.Dispose();
    }

    private string File(string name)
    {
        var path = Path.Combine(_files.Path, name);
        System.IO.File.WriteAllText(path, "x");
        return path;
    }

    private static List<string> Problems(MqttOptions options) => BrokerExposure.Problems(options).Select(p => p.ErrorMessage!).ToList();

    [Fact]
    public void Loopback_WithNothingConfigured_IsFine_AndAnonymousIsAllowedThere()
    {
        var options = new MqttOptions();
        Assert.Empty(Problems(options));
        Assert.True(BrokerExposure.PlaintextListenerAllowed(options));
        Assert.True(BrokerExposure.AnonymousAllowed(options));
    }

    [Fact]
    public void AllInterfaces_WithoutTls_IsRefused_NamingTheKeys()
    {
        var problem = Assert.Single(Problems(new MqttOptions { BindAddress = "0.0.0.0" }));
        foreach (var key in new[] { "Mqtt:BindAddress", "Mqtt:ServerCertificatePath", "Mqtt:CaPath", "Mqtt:PasswordFile", "Mqtt:AllowInsecure" })
        {
            Assert.Contains(key, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AllInterfaces_WithTlsButNoClientAuthentication_IsRefused() =>
        Assert.Contains("no client authentication", Assert.Single(Problems(new MqttOptions { BindAddress = "0.0.0.0", ServerCertificatePath = File("server.crt") })), StringComparison.Ordinal);

    [Fact]
    public void AllInterfaces_WithTlsAndClientCertificates_IsFine_AndHasNoPlaintextListenerNorAnonymous()
    {
        var options = new MqttOptions
        {
            BindAddress = "0.0.0.0",
            ServerCertificatePath = File("server.crt"),
            ServerKeyPath = File("server.key"),
            CaPath = File("ca.crt"),
            IdentitiesFile = File("ids"),
        };

        Assert.Empty(Problems(options));
        Assert.False(BrokerExposure.PlaintextListenerAllowed(options));
        Assert.False(BrokerExposure.AnonymousAllowed(options));
    }

    [Fact]
    public void ClientAuthentication_WithoutAnIdentitiesFile_IsRefused() =>
        Assert.Contains("Mqtt:IdentitiesFile", Assert.Single(Problems(new MqttOptions { PasswordFile = File("passwd") })), StringComparison.Ordinal);

    [Fact]
    public void MissingFiles_AreNamed() =>
        Assert.Contains("Mqtt:CaPath names /nowhere/ca.crt", string.Join('\n', Problems(new MqttOptions { ServerCertificatePath = File("s"), CaPath = "/nowhere/ca.crt", IdentitiesFile = File("i") })), StringComparison.Ordinal);

    [Fact]
    public void AllowInsecure_AcceptsTheWideBroker_AndSaysWhatItExposes()
    {
        var options = new MqttOptions { BindAddress = "0.0.0.0", AllowInsecure = true };
        Assert.Empty(Problems(options));
        Assert.Contains("clients without credentials may act as any terminal", BrokerExposure.InsecureUse(options), StringComparison.Ordinal);
        Assert.Null(BrokerExposure.InsecureUse(new MqttOptions { AllowInsecure = true }));
    }

    [Theory]
    [InlineData("broker.store.local", false, false, true)]
    [InlineData("broker.store.local", true, false, false)]
    [InlineData("broker.store.local", false, true, false)]
    [InlineData("127.0.0.1", false, false, false)]
    [InlineData("localhost", false, false, false)]
    public void ExternalBeyondLoopback_NeedsTls(string host, bool tls, bool insecure, bool refused)
    {
        var problems = Problems(new MqttOptions { Host = host, UseTls = tls, AllowInsecure = insecure });
        Assert.Equal(refused, problems.Any(p => p.Contains("Mqtt:UseTls", StringComparison.Ordinal)));
    }

    [Fact]
    public void EndpointBinding_IsExactlyTheBindAddress()
    {
        Assert.Equal((System.Net.IPAddress.Loopback, System.Net.IPAddress.None), EmbeddedBrokerEndpoints.BindAddresses("127.0.0.1"));
        Assert.Equal((System.Net.IPAddress.Any, System.Net.IPAddress.IPv6Any), EmbeddedBrokerEndpoints.BindAddresses("0.0.0.0"));
        Assert.Equal((System.Net.IPAddress.None, System.Net.IPAddress.IPv6Loopback), EmbeddedBrokerEndpoints.BindAddresses("::1"));
    }

    [Fact]
    public async Task Agent_BoundBeyondLoopbackInPlaintext_RefusesToStart()
    {
        var refusal = await StartRefusal.MessageAsync(
            $"--Storage:Path={_data.Path}", "--Mqtt:BindAddress=0.0.0.0", $"--Mqtt:Port={FreePort.Next()}", "--Http:Urls=http://127.0.0.1:0",
            "--Tokenization:Key=" + TestKeys.TokenizationKey, "--Serilog:MinimumLevel:Default=Fatal");

        Assert.Contains("Mqtt:AllowInsecure", refusal, StringComparison.Ordinal);
        Assert.Contains("Mqtt:ServerCertificatePath", refusal, StringComparison.Ordinal);
    }
}
