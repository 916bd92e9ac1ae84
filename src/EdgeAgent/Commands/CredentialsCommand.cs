using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Mqtt.Security;
using EdgeAgent.Security;
using EdgeAgent.Security.Credentials;

namespace EdgeAgent.Commands;

/// <summary>
/// <c>EdgeAgent credentials</c>: makes what a store needs for a test or a pilot (docs/security.md walks through it):
/// <c>init</c> a CA, the node's broker certificate, a certificate and password per terminal, the identities, password
/// and ACL files and the control secrets; <c>add</c> more identities later; <c>key</c> a tokenization key file.
/// </summary>
public static class CredentialsCommand
{
    public const string Usage = """
        Usage:
          EdgeAgent credentials init --out DIR --store STORE --terminals T1,T2,... [--host NAME]... [--ip ADDRESS]...
                                     [--operators NAME,...] [--agents NAME,...] [--root pos] [--days 397]
          EdgeAgent credentials add  --dir DIR [--store STORE --terminals T3,...] [--operators NAME,...] [--agents NAME,...]
          EdgeAgent credentials key  --out FILE [--id KEYID]
          EdgeAgent credentials pan-key --out FILE.key [--rotate yes]

        init   a store CA, the broker certificate (for every --host and --ip terminals use, plus localhost), a client
               certificate and password per terminal ({store}/{terminal}), operator and agent (default: edgeagent),
               broker/identities.conf, broker/passwd (mosquitto format), broker/acl.conf, agent/control.token and
               agent/cloud-control.key, agent/pan.key (see pan-key). Private keys, passwords and tokens are written with
               mode 0600.
        add    more identities, issued by the CA in DIR.
        key    a tokenization key file ({id}:{base64}, mode 0600); the id defaults to one made from the key.
        pan-key  the node's P-256 key pair terminals encrypt card numbers to: FILE.key (PKCS#8 PEM, mode 0600, for
               PanEncryption:KeyFile), FILE.jwk and FILE.pem (the public key, for the terminals; its kid is the RFC 7638
               thumbprint). --rotate yes moves the existing key to FILE.previous.key (PanEncryption:PreviousKeyFile,
               still read until every terminal has the new key) and makes a new one.
        """;

    public static int Run(string[] args, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var options = Options(args[1..]);
        switch (args[0])
        {
            case "init":
                var folder = Required(options, "out");
                var store = Required(options, "store");
                new CredentialFolder(folder, time).Init(store, Many(options, "host"), [.. Many(options, "ip").Select(Address)], Identities(options, requireTerminals: true),
                    Root(options), Validity(options));
                Console.WriteLine($"Store credentials for {store} written to {Path.GetFullPath(folder)} (see docs/security.md). Keep ca/ca.key offline.");
                return 0;
            case "add":
                var dir = Required(options, "dir");
                new CredentialFolder(dir, time).Add(Identities(options, requireTerminals: false), Root(options), Validity(options));
                Console.WriteLine($"Identities added to {Path.GetFullPath(dir)}; give the broker the new broker/ files.");
                return 0;
            case "key":
                return WriteKey(Required(options, "out"), Single(options, "id"));
            case "pan-key":
                return WritePanKey(Required(options, "out"), Single(options, "rotate") is "yes" or "true");
            default:
                throw new ArgumentException($"Unknown credentials command '{args[0]}'.\n\n{Usage}");
        }
    }

    private static int WriteKey(string path, string? id)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            id ??= "k" + KeyFingerprint.Of(key)[..8];
            if (!CardTokenizer.IsValidKeyId(id))
            {
                throw new ArgumentException($"--id {id}: a key id is 1-16 of [A-Za-z0-9_-]");
            }

            if (!TokenizationKeyFile.TryCreate(path, id, key))
            {
                throw new ArgumentException($"{path} exists; a key file is never overwritten");
            }

            Console.WriteLine($"Tokenization key {id} (fingerprint {KeyFingerprint.Of(key)}) written to {Path.GetFullPath(path)}.");
            return 0;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static int WritePanKey(string path, bool rotate)
    {
        if (rotate)
        {
            if (!File.Exists(path))
            {
                throw new ArgumentException($"{path} does not exist: there is no key to rotate (leave out --rotate to make the first one)");
            }

            var (previous, current) = PanKeyFile.Rotate(path);
            Console.WriteLine($"Card number key {current} written to {Path.GetFullPath(path)}; give the terminals {PanKeyFile.JwkPath(path)}.");
            Console.WriteLine($"Key {previous} moved to {PanKeyFile.PreviousPath(path)}: set PanEncryption:PreviousKeyFile to it until every terminal "
                + "encrypts to the new key (edgeagent_pan_decrypted_total{key=\"previous\"} stays flat), then remove it.");
            return 0;
        }

        if (!PanKeyFile.TryCreate(path, out var kid))
        {
            throw new ArgumentException($"{path} exists; a key file is never overwritten (--rotate yes replaces it and keeps it as the previous key)");
        }

        Console.WriteLine($"Card number key {kid} written to {Path.GetFullPath(path)} (PanEncryption:KeyFile); give the terminals {PanKeyFile.JwkPath(path)}.");
        return 0;
    }

    private static List<TerminalIdentity> Identities(Dictionary<string, List<string>> options, bool requireTerminals)
    {
        var identities = new List<TerminalIdentity>();
        var terminals = Many(options, "terminals");
        if (terminals.Count > 0 || requireTerminals)
        {
            var store = Required(options, "store");
            if (terminals.Count == 0)
            {
                throw new ArgumentException("--terminals names at least one terminal.");
            }

            foreach (var terminal in terminals.Prepend(store))
            {
                if (!Identifiers.IsValid(terminal))
                {
                    throw new ArgumentException($"'{terminal}': store and terminal ids are 1-64 of [A-Za-z0-9_-].");
                }
            }

            identities.AddRange(terminals.Select(t => new TerminalIdentity(store + "/" + t, TerminalRole.Terminal, store, t)));
        }

        identities.AddRange(Many(options, "operators").Select(n => new TerminalIdentity(Name(n), TerminalRole.Operator)));
        var agents = Many(options, "agents");
        identities.AddRange((agents.Count > 0 || !requireTerminals ? agents : ["edgeagent"]).Select(n => new TerminalIdentity(Name(n), TerminalRole.Agent)));
        return identities;
    }

    private static string Name(string name) =>
        IdentityMap.IsValidName(name) ? name : throw new ArgumentException($"'{name}': a name is 1-129 of [A-Za-z0-9_./-].");

    private static IPAddress Address(string text) =>
        IPAddress.TryParse(text, out var address) ? address : throw new ArgumentException($"--ip {text} is not an IP address.");

    private static string Root(Dictionary<string, List<string>> options) => Single(options, "root") ?? "pos";

    private static TimeSpan Validity(Dictionary<string, List<string>> options) =>
        TimeSpan.FromDays(Single(options, "days") is { } days ? int.Parse(days, CultureInfo.InvariantCulture) : 397);

    private static Dictionary<string, List<string>> Options(string[] args)
    {
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value', got '{args[i]}'.\n\n{Usage}");
            }

            var name = args[i][2..];
            if (!options.TryGetValue(name, out var values))
            {
                options[name] = values = [];
            }

            values.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return options;
    }

    private static List<string> Many(Dictionary<string, List<string>> options, string name) => options.TryGetValue(name, out var values) ? values : [];

    private static string? Single(Dictionary<string, List<string>> options, string name) => Many(options, name) switch
    {
        [] => null,
        [var one] => one,
        _ => throw new ArgumentException($"--{name} takes one value."),
    };

    private static string Required(Dictionary<string, List<string>> options, string name) =>
        Single(options, name) ?? throw new ArgumentException($"--{name} is required.\n\n{Usage}");
}
