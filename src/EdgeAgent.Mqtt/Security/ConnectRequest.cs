using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace EdgeAgent.Mqtt.Security;

/// <summary>What a CONNECT tells about a client, independent of the broker library.</summary>
/// <param name="ClientId">The client id it asked for; empty when it asked the broker to assign one.</param>
/// <param name="UserName">The user name, if any.</param>
/// <param name="Password">The password bytes, if any.</param>
/// <param name="ClientCertificate">The certificate it presented in the TLS handshake, if any.</param>
/// <param name="RemoteEndPoint">Where it connects from.</param>
/// <param name="IsTls">Whether it came in on the TLS listener.</param>
/// <param name="CanAssignClientId">Whether the broker may assign a client id (MQTT 5).</param>
public sealed record ConnectRequest(
    string ClientId,
    string? UserName,
    ReadOnlyMemory<byte> Password,
    X509Certificate2? ClientCertificate,
    EndPoint? RemoteEndPoint,
    bool IsTls,
    bool CanAssignClientId = true);
