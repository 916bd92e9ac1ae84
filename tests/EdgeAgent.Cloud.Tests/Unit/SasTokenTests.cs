using EdgeAgent.Cloud.IoTHub;

namespace EdgeAgent.Cloud.Tests.Unit;

/// <summary>SAS tokens against a vector computed independently (Python hmac, openssl, .NET), and the CONNECT identity.</summary>
public sealed class SasTokenTests
{
    private const string Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    [Fact]
    public void DeviceToken_MatchesTheIndependentlyComputedVector()
    {
        var resource = SasToken.ResourceUri("myhub.azure-devices.net", "device1", null);

        Assert.Equal("myhub.azure-devices.net%2Fdevices%2Fdevice1\n1700000000", SasToken.StringToSign(resource, 1_700_000_000));
        Assert.Equal(
            "SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices%2Fdevice1&sig=gFSfLGMXDOvf906%2FiaX3KwzLLNFHgaFZyCbsGjxtd1Y%3D&se=1700000000",
            SasToken.Create(resource, Key, 1_700_000_000));
    }

    [Fact]
    public void ModuleToken_MatchesTheIndependentlyComputedVector()
    {
        var resource = SasToken.ResourceUri("myhub.azure-devices.net", "edge1", "scorer");

        Assert.Equal(
            "SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices%2Fedge1%2Fmodules%2Fscorer&sig=NaJ%2F%2BJZR4EaUHw5B3rA2BL8sX6RMC03RgiZ0vhmaMsU%3D&se=1700000000",
            SasToken.Create(resource, Key, 1_700_000_000));
    }

    [Fact]
    public async Task SymmetricKeySigner_SignsAsTheTokenDoes()
    {
        var signer = new SymmetricKeySigner(Convert.FromBase64String(Key));
        var data = SasToken.StringToSign("myhub.azure-devices.net/devices/device1", 1_700_000_000);

        Assert.Equal("gFSfLGMXDOvf906/iaX3KwzLLNFHgaFZyCbsGjxtd1Y=", await signer.SignAsync(data, CancellationToken.None));
    }

    [Fact]
    public void ModuleConnectionString_GivesTheDocumentedClientIdAndUserName()
    {
        var settings = IoTHubSettings.Resolve(
            new CloudOptions { Transport = CloudTransportKind.IoTHub, ConnectionString = $"HostName=contoso.azure-devices.net;DeviceId=edge1;ModuleId=scorer;SharedAccessKey={Key}" },
            _ => null);

        Assert.Equal("edge1/scorer", settings.ClientId);
        Assert.Equal("contoso.azure-devices.net/edge1/scorer/?api-version=2021-04-12", settings.Username);
        Assert.Equal("contoso.azure-devices.net", settings.ConnectHost);
        Assert.Equal(8883, settings.Port);
    }

    [Fact]
    public void IoTEdgeEnvironment_GivesTheModuleIdentity_AndTheGatewayToConnectTo()
    {
        var environment = new Dictionary<string, string>
        {
            ["IOTEDGE_IOTHUBHOSTNAME"] = "contoso.azure-devices.net",
            ["IOTEDGE_DEVICEID"] = "edge1",
            ["IOTEDGE_MODULEID"] = "scorer",
            ["IOTEDGE_MODULEGENERATIONID"] = "637000",
            ["IOTEDGE_WORKLOADURI"] = "unix:///var/run/iotedge/workload.sock",
            ["IOTEDGE_GATEWAYHOSTNAME"] = "edgehost",
            ["IOTEDGE_AUTHSCHEME"] = "sasToken",
            ["IOTEDGE_APIVERSION"] = "2019-01-30",
        };

        var settings = IoTHubSettings.Resolve(new CloudOptions { Transport = CloudTransportKind.IoTHub }, environment.GetValueOrDefault);

        Assert.Equal("edge1/scorer", settings.ClientId);
        Assert.Equal("edgehost", settings.ConnectHost);
        Assert.Equal("/var/run/iotedge/workload.sock", settings.Edge!.WorkloadUri.LocalPath);
        Assert.Equal("2019-01-30", settings.Edge.ApiVersion);
        Assert.True(settings.UsesSasTokens);
    }

    [Theory]
    [InlineData("DeviceId=d;SharedAccessKey=AAAA")]
    [InlineData("HostName=h;SharedAccessKey=AAAA")]
    [InlineData("HostName=h;DeviceId=d;SharedAccessKey=not base64!")]
    [InlineData("HostName=h;SharedAccessKeyName=iothubowner;SharedAccessKey=AAAA")]
    public void BadConnectionStrings_AreRefusedAtStart(string connectionString)
    {
        var options = new CloudOptions { Transport = CloudTransportKind.IoTHub, ConnectionString = connectionString };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.StartsWith("Cloud:ConnectionString", StringComparison.Ordinal));
    }
}
