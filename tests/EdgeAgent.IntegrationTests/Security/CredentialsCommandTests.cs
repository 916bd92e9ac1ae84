using System.Net;
using System.Security.Cryptography.X509Certificates;
using EdgeAgent.Commands;
using EdgeAgent.Mqtt.Security;
using EdgeAgent.Security;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary><c>EdgeAgent credentials</c>: what it writes, with which modes, and that the pieces fit together.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CredentialsCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Out => Path.Combine(_folder.Path, "store-1");

    private string In(params string[] parts) => Path.Combine([Out, .. parts]);

    private int Init() => CredentialsCommand.Run(["init", "--out", Out, "--store", "store-1", "--terminals", "t1,t2", "--host", "edge-1.store.local",
        "--ip", "192.168.10.5", "--operators", "ops"]);

    [Fact]
    public void Init_WritesEverySecretOwnerOnly()
    {
        Assert.Equal(0, Init());

        string[] secrets =
        [
            "ca/ca.key", "broker/server.key", "broker/passwd", "agent/edgeagent.key", "agent/edgeagent.password", "agent/control.token", "agent/cloud-control.key",
            "terminals/store-1/t1/client.key", "terminals/store-1/t1/password", "terminals/store-1/t2/client.key", "operators/ops/client.key",
        ];
        foreach (var secret in secrets)
        {
            Assert.Equal(SecretFile.OwnerOnly, File.GetUnixFileMode(In(secret.Split('/'))));
        }

        Assert.True(File.ReadAllText(In("agent", "control.token")).Trim().Length >= ControlPlaneAuth.MinimumTokenLength);
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(In("agent", "cloud-control.key")).Trim()).Length);
    }

    [Fact]
    public void Certificates_ChainToTheStoreCa_WithTheRightNamesAndUses()
    {
        Assert.Equal(0, Init());
        using var ca = X509CertificateLoader.LoadCertificateFromFile(In("ca", "ca.crt"));
        using var server = X509CertificateLoader.LoadCertificateFromFile(In("broker", "server.crt"));
        using var terminal = X509CertificateLoader.LoadCertificateFromFile(In("terminals", "store-1", "t1", "client.crt"));

        Assert.True(Chains(server, ca, "1.3.6.1.5.5.7.3.1"));
        Assert.True(Chains(terminal, ca, "1.3.6.1.5.5.7.3.2"));
        Assert.False(Chains(terminal, ca, "1.3.6.1.5.5.7.3.1"));
        Assert.Equal("store-1/t1", terminal.GetNameInfo(X509NameType.SimpleName, false));
        var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["edge-1.store.local", "localhost"], names.EnumerateDnsNames());
        Assert.Contains(IPAddress.Parse("192.168.10.5"), names.EnumerateIPAddresses());
        Assert.Contains(IPAddress.Loopback, names.EnumerateIPAddresses());
    }

    [Fact]
    public void IdentitiesPasswordsAndAcl_DescribeTheSameIdentities()
    {
        Assert.Equal(0, Init());

        var identities = IdentityMap.Load(In("broker", "identities.conf"));
        var passwords = PasswordFile.Load(In("broker", "passwd"));
        var acl = File.ReadAllText(In("broker", "acl.conf"));

        Assert.Equal(["edgeagent", "ops", "store-1/t1", "store-1/t2"], identities.Identities.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.Equal(identities.Identities.Select(i => i.Name).Order(StringComparer.Ordinal), passwords.Users.Order(StringComparer.Ordinal));
        Assert.True(passwords.Verify("store-1/t1", System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(In("terminals", "store-1", "t1", "password")).Trim())));
        Assert.False(passwords.Verify("store-1/t2", System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(In("terminals", "store-1", "t1", "password")).Trim())));
        Assert.Contains("pattern write pos/%u/payments\n", acl, StringComparison.Ordinal);
        Assert.Contains("user edgeagent\ntopic read pos/+/+/payments\n", acl, StringComparison.Ordinal);
        Assert.DoesNotContain("topic read pos/#", acl, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_IntoAFolderWithACa_IsRefused_AndAddExtendsIt()
    {
        Assert.Equal(0, Init());
        var before = File.ReadAllLines(In("broker", "passwd"))[0];

        Assert.Throws<ArgumentException>(() => Init());
        Assert.Equal(0, CredentialsCommand.Run(["add", "--dir", Out, "--store", "store-1", "--terminals", "t3"]));
        Assert.Throws<ArgumentException>(() => CredentialsCommand.Run(["add", "--dir", Out, "--store", "store-1", "--terminals", "t3"]));

        Assert.True(IdentityMap.Load(In("broker", "identities.conf")).TryGet("store-1/t3", out _));
        Assert.Equal(before, File.ReadAllLines(In("broker", "passwd"))[0]);
        using var ca = X509CertificateLoader.LoadCertificateFromFile(In("ca", "ca.crt"));
        using var added = X509CertificateLoader.LoadCertificateFromFile(In("terminals", "store-1", "t3", "client.crt"));
        Assert.True(Chains(added, ca, "1.3.6.1.5.5.7.3.2"));
    }

    [Fact]
    public void Key_WritesAnIdAndAKey_Once()
    {
        var path = Path.Combine(_folder.Path, "k2.key");

        Assert.Equal(0, CredentialsCommand.Run(["key", "--out", path, "--id", "k2"]));
        var (key, id) = TokenizationKeyFile.Read(path);

        Assert.Equal("k2", id);
        Assert.Equal(32, key.Length);
        Assert.Equal(SecretFile.OwnerOnly, File.GetUnixFileMode(path));
        Assert.Throws<ArgumentException>(() => CredentialsCommand.Run(["key", "--out", path]));
    }

    [Theory]
    [InlineData("init", "--out", "x", "--store", "store 1", "--terminals", "t1")]
    [InlineData("init", "--out", "x", "--store", "s", "--terminals", "t1", "--ip", "not-an-ip")]
    [InlineData("init", "--store", "s", "--terminals", "t1")]
    [InlineData("frobnicate")]
    public void BadArguments_AreRefusedWithAMessage(params string[] args) =>
        Assert.Throws<ArgumentException>(() => CredentialsCommand.Run(args));

    private static bool Chains(X509Certificate2 certificate, X509Certificate2 ca, string usage)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(usage));
        return chain.Build(certificate);
    }
}
