using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// Turns a CONNECT into an identity. A certificate (checked against the store CA) names the identity by its common
/// name; otherwise a user name and password from the password file; otherwise the client is anonymous, accepted only
/// where <see cref="BrokerExposure.AnonymousAllowed"/> and only from this host (or anywhere with AllowInsecure).
/// </summary>
/// <remarks>
/// The client id is bound to the identity: a named identity connects as <c>{name}</c> or <c>{name}:{suffix}</c>, and
/// local clients may not use those. The broker keeps a persistent session, with what the first CONNECT put in it, for
/// whoever reconnects with the same client id; binding ids to names means a session is only ever resumed by the
/// identity that made it, so nobody inherits another terminal's session or rights.
/// </remarks>
internal sealed class TerminalAuthenticator
{
    private readonly MqttOptions _options;
    private readonly IdentityMap _identities;
    private readonly PasswordChecks? _passwords;
    private readonly ClientCertificateValidator? _certificates;

    public TerminalAuthenticator(MqttOptions options, IdentityMap identities, PasswordFile? passwords, ClientCertificateValidator? certificates, TimeProvider time)
    {
        _options = options;
        _identities = identities;
        _passwords = passwords is null ? null : new PasswordChecks(passwords, options, time);
        _certificates = certificates;
    }

    /// <summary>The agent's own client ids (<c>edgeagent-*</c>, as the embedded broker injects answers under one).</summary>
    public static bool IsReserved(string clientId) => clientId.StartsWith("edgeagent", StringComparison.OrdinalIgnoreCase);

    public ConnectDecision Authenticate(ConnectRequest request)
    {
        if (IsReserved(request.ClientId))
        {
            return ConnectDecision.Refuse(RefusalReason.ReservedClientId);
        }

        var identity = Identify(request, out var refusal);
        if (identity is null)
        {
            return ConnectDecision.Refuse(refusal);
        }

        if (identity.Role == TerminalRole.Agent)
        {
            return ConnectDecision.Refuse(RefusalReason.RoleNotAllowed);
        }

        return BindClientId(request, identity);
    }

    private TerminalIdentity? Identify(ConnectRequest request, out RefusalReason refusal)
    {
        refusal = RefusalReason.Anonymous;
        if (request.ClientCertificate is { } certificate)
        {
            return FromCertificate(certificate, request.UserName, out refusal);
        }

        if (!string.IsNullOrEmpty(request.UserName))
        {
            return FromPassword(request.UserName, request.Password.Span, request.RemoteEndPoint, out refusal);
        }

        var anonymousHere = BrokerExposure.AnonymousAllowed(_options) && (_options.AllowInsecure || BrokerExposure.IsLoopback(request.RemoteEndPoint));
        return anonymousHere && string.IsNullOrEmpty(_options.Username) ? TerminalIdentity.Local : null;
    }

    private TerminalIdentity? FromCertificate(X509Certificate2 certificate, string? userName, out RefusalReason refusal)
    {
        if (_certificates is null || !_certificates.IsValid(certificate, out _))
        {
            refusal = RefusalReason.CertificateInvalid;
            return null;
        }

        var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (!_identities.TryGet(name, out var identity))
        {
            refusal = RefusalReason.UnknownIdentity;
            return null;
        }

        if (!string.IsNullOrEmpty(userName) && !string.Equals(userName, name, StringComparison.Ordinal))
        {
            refusal = RefusalReason.IdentityMismatch;
            return null;
        }

        refusal = default;
        return identity;
    }

    private TerminalIdentity? FromPassword(string userName, ReadOnlySpan<byte> password, System.Net.EndPoint? remote, out RefusalReason refusal)
    {
        refusal = RefusalReason.BadCredentials;
        if (_passwords is not null)
        {
            var outcome = _passwords.Verify(userName, password, remote);
            if (outcome == PasswordChecks.Outcome.BackingOff)
            {
                refusal = RefusalReason.PasswordBackoff;
                return null;
            }

            if (_identities.TryGet(userName, out var identity))
            {
                return outcome == PasswordChecks.Outcome.Valid ? identity : null;
            }

            if (outcome == PasswordChecks.Outcome.Valid)
            {
                refusal = RefusalReason.UnknownIdentity;
                return null;
            }
        }

        // The single shared credential of Mqtt:Username/Password: it proves only that the client knows the store's
        // secret, so it grants what an anonymous client would get, where anonymous clients would be accepted.
        if (_passwords is null && !string.IsNullOrEmpty(_options.Username) && BrokerExposure.PlaintextListenerAllowed(_options)
            && SameSecret(userName, _options.Username) && SameSecret(password, Encoding.UTF8.GetBytes(_options.Password ?? "")))
        {
            return TerminalIdentity.Local;
        }

        return null;
    }

    private ConnectDecision BindClientId(ConnectRequest request, TerminalIdentity identity)
    {
        var clientId = request.ClientId;
        if (identity.Role == TerminalRole.Local)
        {
            if (clientId.Length == 0)
            {
                return request.CanAssignClientId
                    ? ConnectDecision.Accept(identity, "local-" + Guid.NewGuid().ToString("N")[..12])
                    : ConnectDecision.Refuse(RefusalReason.ClientIdNotAllowed);
            }

            return _identities.OwnsClientId(clientId) ? ConnectDecision.Refuse(RefusalReason.ReservedClientId) : ConnectDecision.Accept(identity);
        }

        if (clientId.Length == 0)
        {
            return request.CanAssignClientId ? ConnectDecision.Accept(identity, identity.Name) : ConnectDecision.Refuse(RefusalReason.ClientIdNotAllowed);
        }

        var own = clientId == identity.Name
            || (clientId.Length > identity.Name.Length + 1 && clientId.StartsWith(identity.Name, StringComparison.Ordinal) && clientId[identity.Name.Length] == ':');
        return own ? ConnectDecision.Accept(identity) : ConnectDecision.Refuse(RefusalReason.ClientIdNotAllowed);
    }

    private static bool SameSecret(string given, string expected) =>
        SameSecret(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    private static bool SameSecret(ReadOnlySpan<byte> given, ReadOnlySpan<byte> expected)
    {
        // Hashing first makes the comparison constant-time in the length too.
        Span<byte> a = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> b = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(given, a);
        SHA256.HashData(expected, b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
