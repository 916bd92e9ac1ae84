using System.ComponentModel.DataAnnotations;
using System.Net;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// The exposure rule: plaintext and anonymous access only on loopback. An embedded broker bound beyond loopback needs
/// TLS and client authentication, and a connection to an external broker beyond loopback needs TLS, unless
/// <see cref="MqttOptions.AllowInsecure"/> says otherwise. Checked when the options are validated at start, so a node
/// that would expose card numbers in clear refuses to start, naming the keys that fix it.
/// </summary>
public static class BrokerExposure
{
    /// <summary>True for a loopback address (<c>127.0.0.0/8</c>, <c>::1</c>) or <c>localhost</c>.</summary>
    public static bool IsLoopback(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return false;
        }

        if (string.Equals(address, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(address, out var ip) && IsLoopback(ip);
    }

    /// <summary>True for a loopback address, including IPv4 loopback mapped into IPv6.</summary>
    public static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()));

    /// <summary>True when the connection comes from this host. Unknown end points count as remote.</summary>
    public static bool IsLoopback(EndPoint? endPoint) => endPoint is IPEndPoint ip && IsLoopback(ip.Address);

    /// <summary>Whether the embedded broker's plaintext listener may open: on loopback, or when insecure access is allowed.</summary>
    public static bool PlaintextListenerAllowed(MqttOptions options) => IsLoopback(options.BindAddress) || options.AllowInsecure;

    /// <summary>Whether clients without credentials may connect to the embedded broker at all.</summary>
    public static bool AnonymousAllowed(MqttOptions options) => options.AllowAnonymous && PlaintextListenerAllowed(options);

    /// <summary>True when the embedded broker authenticates clients by certificate or by password.</summary>
    public static bool HasClientAuthentication(MqttOptions options) =>
        (HasTls(options) && !string.IsNullOrWhiteSpace(options.CaPath)) || !string.IsNullOrWhiteSpace(options.PasswordFile);

    /// <summary>True when the embedded broker has a TLS listener.</summary>
    public static bool HasTls(MqttOptions options) => !string.IsNullOrWhiteSpace(options.ServerCertificatePath);

    /// <summary>
    /// What <see cref="MqttOptions.AllowInsecure"/> lets through with these options, for the warning logged at every
    /// start; null when nothing insecure is in use.
    /// </summary>
    public static string? InsecureUse(MqttOptions options)
    {
        if (!options.AllowInsecure)
        {
            return null;
        }

        if (options.UsesExternalBroker)
        {
            return !options.UseTls && !IsLoopback(options.Host)
                ? $"the agent talks to the broker {options.Host}:{options.Port} in plaintext: payments, card numbers included, cross the network in clear"
                : null;
        }

        if (IsLoopback(options.BindAddress))
        {
            return null;
        }

        var anonymous = AnonymousAllowed(options) ? "; clients without credentials may act as any terminal" : "";
        return $"the embedded broker accepts plaintext connections on {options.BindAddress}:{options.Port} from the network{anonymous}: card numbers can be read and decisions forged there";
    }

    /// <summary>Every way <paramref name="options"/> breaks the rule or names a file that is not there.</summary>
    public static IEnumerable<ValidationResult> Problems(MqttOptions options)
    {
        if (options.UsesExternalBroker)
        {
            if (!options.UseTls && !IsLoopback(options.Host) && !options.AllowInsecure)
            {
                yield return Problem(
                    $"Mqtt:Host is {options.Host}, not a loopback address, and Mqtt:UseTls is false: payments would cross the network in clear. "
                    + "Set Mqtt:UseTls=true (with Mqtt:CaPath and Mqtt:ClientCertificatePath for a private broker), or Mqtt:AllowInsecure=true to accept plaintext.",
                    nameof(MqttOptions.UseTls), nameof(MqttOptions.AllowInsecure));
            }

            if (!string.IsNullOrWhiteSpace(options.ClientCertificatePath) && !options.UseTls)
            {
                yield return Problem("Mqtt:ClientCertificatePath is set but Mqtt:UseTls is false; a client certificate needs TLS.", nameof(MqttOptions.UseTls));
            }

            foreach (var missing in MissingFiles(
                         (nameof(MqttOptions.CaPath), options.CaPath),
                         (nameof(MqttOptions.ClientCertificatePath), options.ClientCertificatePath),
                         (nameof(MqttOptions.ClientKeyPath), options.ClientKeyPath)))
            {
                yield return missing;
            }

            yield break;
        }

        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            yield return Problem($"Mqtt:BindAddress '{options.BindAddress}' is not an IP address.", nameof(MqttOptions.BindAddress));
            yield break;
        }

        if (!IsLoopback(options.BindAddress) && !options.AllowInsecure)
        {
            if (!HasTls(options) || !HasClientAuthentication(options))
            {
                yield return Problem(
                    $"Mqtt:BindAddress is {options.BindAddress}, beyond loopback, but the embedded broker has "
                    + (HasTls(options) ? "no client authentication" : "no TLS")
                    + ": anyone on the network could publish as any terminal and read decisions. Set Mqtt:ServerCertificatePath (and Mqtt:ServerKeyPath) "
                    + "for TLS, Mqtt:CaPath (client certificates) or Mqtt:PasswordFile (per-terminal passwords), and Mqtt:IdentitiesFile; "
                    + "or bind to 127.0.0.1; or set Mqtt:AllowInsecure=true to accept this (not for production).",
                    nameof(MqttOptions.BindAddress), nameof(MqttOptions.ServerCertificatePath), nameof(MqttOptions.CaPath),
                    nameof(MqttOptions.PasswordFile), nameof(MqttOptions.AllowInsecure));
            }
        }

        if (HasClientAuthentication(options) && string.IsNullOrWhiteSpace(options.IdentitiesFile))
        {
            yield return Problem(
                "Mqtt:IdentitiesFile is required with client authentication (Mqtt:CaPath or Mqtt:PasswordFile): it says which store and terminal each identity may be.",
                nameof(MqttOptions.IdentitiesFile));
        }

        if (!string.IsNullOrWhiteSpace(options.ServerKeyPath) && !HasTls(options))
        {
            yield return Problem("Mqtt:ServerKeyPath is set without Mqtt:ServerCertificatePath.", nameof(MqttOptions.ServerCertificatePath));
        }

        if (HasTls(options) && PlaintextListenerAllowed(options) && options.TlsPort == options.Port)
        {
            yield return Problem($"Mqtt:TlsPort and Mqtt:Port are both {options.Port}; the TLS and plaintext listeners need their own ports.", nameof(MqttOptions.TlsPort));
        }

        if (HasTls(options) && !string.IsNullOrWhiteSpace(options.CaPath) && !options.RequireClientCertificate && string.IsNullOrWhiteSpace(options.PasswordFile))
        {
            yield return Problem(
                "Mqtt:RequireClientCertificate is false but there is no Mqtt:PasswordFile: a TLS client without a certificate could not authenticate.",
                nameof(MqttOptions.RequireClientCertificate), nameof(MqttOptions.PasswordFile));
        }

        foreach (var missing in MissingFiles(
                     (nameof(MqttOptions.ServerCertificatePath), options.ServerCertificatePath),
                     (nameof(MqttOptions.ServerKeyPath), options.ServerKeyPath),
                     (nameof(MqttOptions.CaPath), options.CaPath),
                     (nameof(MqttOptions.PasswordFile), options.PasswordFile),
                     (nameof(MqttOptions.IdentitiesFile), options.IdentitiesFile)))
        {
            yield return missing;
        }
    }

    private static IEnumerable<ValidationResult> MissingFiles(params (string Key, string? Path)[] files)
    {
        foreach (var (key, path) in files)
        {
            if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
            {
                yield return Problem($"Mqtt:{key} names {path}, which does not exist.", key);
            }
        }
    }

    private static ValidationResult Problem(string message, params string[] members) => new(message, members);
}
