using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EdgeAgent.Mqtt.Security;

namespace EdgeAgent.Security.Credentials;

/// <summary>
/// What a store needs, in one folder, split by who receives it:
/// <code>
/// ca/ca.crt ca/ca.key                         the store CA; keep ca.key offline (needed only to add identities)
/// broker/                                     for the broker, the embedded one or mosquitto (mount it read-only)
///   ca.crt server.crt server.key              TLS, and the CA client certificates must chain to
///   passwd identities.conf acl.conf           passwords (mosquitto format), who is who, mosquitto's ACL
/// agent/ca.crt agent/{name}.crt|.key|.password  the agent's identities at mosquitto (ingest, uplink)
/// agent/control.token agent/cloud-control.key   the HTTP control plane's bearer token, the cloud control HMAC key
/// agent/pan.key agent/pan.jwk agent/pan.pem     the key pair terminals encrypt card numbers to (the .jwk goes to them)
/// terminals/{store}/{terminal}/               ca.crt client.crt client.key password: hand to that terminal
/// operators/{name}/                           the same for an operator
/// </code>
/// Every private key, password and token is written with mode 0600.
/// </summary>
public sealed class CredentialFolder(string path, TimeProvider time)
{
    private string CaCertificate => Path.Combine(path, "ca", "ca.crt");

    private string CaKey => Path.Combine(path, "ca", "ca.key");

    private string Broker(string file) => Path.Combine(path, "broker", file);

    /// <summary>Creates the CA, the broker's certificate, the control secrets and the identities.</summary>
    public void Init(string storeName, IReadOnlyList<string> hosts, IReadOnlyList<IPAddress> addresses, IReadOnlyList<TerminalIdentity> identities, string root, TimeSpan validity)
    {
        if (File.Exists(CaCertificate))
        {
            throw new ArgumentException($"{path} already holds a store CA; use 'credentials add' to add identities, or another folder.");
        }

        using var authority = StoreAuthority.Create(storeName + " EdgeAgent CA", TimeSpan.FromDays(3650), time);
        WritePublic(CaCertificate, authority.Certificate.ExportCertificatePem());
        WriteSecret(CaKey, authority.Certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        WritePublic(Broker("ca.crt"), authority.Certificate.ExportCertificatePem());
        using (var server = authority.IssueServer(hosts.Count > 0 ? hosts[0] : "localhost", [.. hosts, "localhost"], [.. addresses, IPAddress.Loopback, IPAddress.IPv6Loopback], validity))
        {
            WritePublic(Broker("server.crt"), server.ExportCertificatePem());
            WriteSecret(Broker("server.key"), server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        }

        WritePublic(Path.Combine(path, "agent", "ca.crt"), authority.Certificate.ExportCertificatePem());
        WriteSecret(Path.Combine(path, "agent", "control.token"), Secret(32) + "\n");
        WriteSecret(Path.Combine(path, "agent", "cloud-control.key"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
        PanKeyFile.TryCreate(Path.Combine(path, "agent", "pan.key"), out _);
        Save(authority, IdentityMap.Empty, [], identities, root, validity);
    }

    /// <summary>Adds identities to a folder made by <see cref="Init"/>; names already there are refused.</summary>
    public void Add(IReadOnlyList<TerminalIdentity> identities, string root, TimeSpan validity)
    {
        if (!File.Exists(CaKey))
        {
            throw new ArgumentException($"{CaKey} is not there: run 'credentials init' first (the CA key is needed to issue certificates).");
        }

        using var authority = StoreAuthority.Load(CaCertificate, CaKey, time);
        var existing = IdentityMap.Load(Broker("identities.conf"));
        Save(authority, existing, File.ReadAllLines(Broker("passwd")), identities, root, validity);
    }

    private void Save(StoreAuthority authority, IdentityMap existing, IReadOnlyList<string> passwordLines, IReadOnlyList<TerminalIdentity> added, string root, TimeSpan validity)
    {
        var all = existing.Identities.ToList();
        var names = all.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        if (added.FirstOrDefault(i => !names.Add(i.Name)) is { } duplicate)
        {
            throw new ArgumentException($"{duplicate.Name} is already in {Broker("identities.conf")} or named twice.");
        }

        var lines = passwordLines.Where(l => l.Length > 0).ToList();
        foreach (var identity in added)
        {
            all.Add(identity);
            var password = Secret(24);
            lines.Add(PasswordFile.Line(identity.Name, PasswordHash.Create(password)));
            using var certificate = authority.IssueClient(identity.Name, validity);
            var folder = FolderOf(identity);
            WritePublic(Path.Combine(folder, "ca.crt"), authority.Certificate.ExportCertificatePem());
            var stem = identity.Role == TerminalRole.Agent ? identity.Name : "client";
            WritePublic(Path.Combine(folder, stem + ".crt"), certificate.ExportCertificatePem());
            WriteSecret(Path.Combine(folder, stem + ".key"), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            WriteSecret(Path.Combine(folder, identity.Role == TerminalRole.Agent ? identity.Name + ".password" : "password"), password + "\n");
        }

        var map = IdentityMap.Parse(all.Select(Describe), "generated identities");
        WritePublic(Broker("identities.conf"), "# Who each certificate common name or user name is (docs/security.md). Written by 'EdgeAgent credentials'.\n"
            + string.Concat(map.Identities.OrderBy(i => i.Role).ThenBy(i => i.Name, StringComparer.Ordinal).Select(i => Describe(i) + "\n")));
        WriteSecret(Broker("passwd"), string.Concat(lines.Select(l => l + "\n")));
        WritePublic(Broker("acl.conf"), MosquittoAcl.Write(map, root));
    }

    private string FolderOf(TerminalIdentity identity) => identity.Role switch
    {
        TerminalRole.Terminal => Path.Combine(path, "terminals", identity.StoreId!, identity.TerminalId!),
        TerminalRole.Operator => Path.Combine(path, "operators", identity.Name.Replace('/', '_')),
        _ => Path.Combine(path, "agent"),
    };

    /// <summary>The identity's line in identities.conf.</summary>
    public static string Describe(TerminalIdentity identity) => identity.Role switch
    {
        TerminalRole.Terminal when identity.Name == identity.StoreId + "/" + identity.TerminalId => "terminal " + identity.Name,
        TerminalRole.Terminal => $"terminal {identity.Name} {identity.StoreId} {identity.TerminalId}",
        _ => identity.Role.ToString().ToLowerInvariant() + " " + identity.Name,
    };

    /// <summary>Random bytes as base64url: 24 bytes give 192 bits in 32 characters.</summary>
    private static string Secret(int bytes) => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    private static void WriteSecret(string file, string text) => SecretFile.WriteText(file, text, overwrite: true);

    private static void WritePublic(string file, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text, new UTF8Encoding(false));
    }
}
