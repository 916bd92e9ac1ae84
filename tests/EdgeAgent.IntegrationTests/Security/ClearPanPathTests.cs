using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using EdgeAgent.Commands;
using EdgeAgent.Core.Payments;
using EdgeAgent.IntegrationTests.Infrastructure;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>
/// The embedded broker sees each terminal's address: with the default <c>Validation:ClearPan=Loopback</c> a card number
/// in clear is read from a client on this host and refused from one on the network, where an encrypted one is read.
/// The terminal is mosquitto_rr, publishing to the agent on loopback or on this host's network address.
/// </summary>
public sealed class ClearPanPathTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly int _port = FreePort.Next();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ClearPan_IsReadFromLoopback_RefusedFromTheNetwork_WhereAnEncryptedOneIsRead()
    {
        var key = Path.Combine(_folder.Path, "pan.key");
        Assert.Equal(0, CredentialsCommand.Run(["pan-key", "--out", key]));
        var (exit, output) = await NodeClients.RunAsync("encrypt-pan.mjs", Path.Combine(_folder.Path, "pan.jwk"), Payloads.Pan);
        Assert.True(exit == 0, output);
        var jwe = System.Text.Json.JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement.GetProperty("jwe").GetString()!;
        var network = NetworkAddress();

        // Plaintext and anonymous beyond loopback only because this is a test of the address the broker sees.
        await using var agent = await InProcessAgent.StartAsync(Path.Combine(_folder.Path, "data"),
            "Mqtt:BindAddress=0.0.0.0", $"Mqtt:Port={_port}", "Mqtt:AllowInsecure=true", "Inference:Provider=Cpu", "PanEncryption:KeyFile=" + key);

        var fromLoopback = await RequestAsync(IPAddress.Loopback, Payloads.Payment("tx-local"));
        var fromNetwork = await RequestAsync(network, Payloads.Payment("tx-lan"));
        var encryptedFromNetwork = await RequestAsync(network, Payloads.Payment("tx-lan-jwe", pan: jwe));

        Assert.Equal("scored", Answers.Status(fromLoopback));
        Assert.Equal([ValidationCodes.PanClearRefused], Answers.ErrorCodes(fromNetwork));
        Assert.Equal("scored", Answers.Status(encryptedFromNetwork));
    }

    private async Task<byte[]> RequestAsync(IPAddress address, byte[] payment)
    {
        var (exit, output) = await ExternalProcess.RunAsync(MosquittoClients.Rr,
        [
            "-h", address.ToString(), "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5", "-q", "1",
            "-t", Payloads.Topic(), "-e", "pos/store-1/t1/responses/rr-" + Guid.NewGuid().ToString("N")[..8], "-m", Encoding.UTF8.GetString(payment), "-W", "30",
        ], TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"mosquitto_rr to {address} failed: {output}");
        return Encoding.UTF8.GetBytes(output.Trim().Split('\n')[^1]);
    }

    /// <summary>An IPv4 address of this host that is not loopback: what a terminal on the store's network would reach.</summary>
    private static IPAddress NetworkAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("this host has no network address other than loopback; the test needs one to publish from");
}
