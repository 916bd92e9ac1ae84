using System.Net;
using System.Security.Cryptography;
using System.Text;

using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Embedded;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

/// <summary>
/// The quick-start access: any client on the same host, anonymous (or with the one shared user name and password of
/// <see cref="MqttOptions.Username"/> when set), may publish payments and subscribe to anything but payments. A client
/// from another address is refused: terminals on the store's network need an access policy with per-terminal identities.
/// </summary>
internal sealed class LoopbackBrokerAccess : IBrokerAccess
{
    private readonly byte[]? _userName;
    private readonly byte[]? _password;

    public LoopbackBrokerAccess(MqttOptions options)
    {
        if (!string.IsNullOrEmpty(options.Username))
        {
            _userName = Encoding.UTF8.GetBytes(options.Username);
            _password = Encoding.UTF8.GetBytes(options.Password ?? string.Empty);
        }
    }

    public ValueTask<BrokerAuthentication> AuthenticateAsync(BrokerConnectRequest request, CancellationToken cancellationToken)
    {
        if (!IsLoopback(request.RemoteEndPoint))
        {
            return ValueTask.FromResult(BrokerAuthentication.Refuse(ConnectRefusal.NotAuthorized));
        }

        if (_userName is not null && !(Matches(_userName, request.UserName is null ? null : Encoding.UTF8.GetBytes(request.UserName))
                                        & Matches(_password!, request.Password)))
        {
            return ValueTask.FromResult(BrokerAuthentication.Refuse(ConnectRefusal.BadCredentials));
        }

        return ValueTask.FromResult(BrokerAuthentication.Accept(new BrokerIdentity(request.ClientId)));
    }

    public bool MayPublishPayment(BrokerIdentity identity, string topic) => true;

    public bool MayUseResponseTopic(BrokerIdentity identity, string responseTopic) => true;

    public bool MayPublish(BrokerIdentity identity, string topic) => true;

    public bool MaySubscribe(BrokerIdentity identity, string topicFilter) => true;

    /// <summary>True for 127.0.0.0/8 and ::1, also when written as an IPv4-mapped IPv6 address (a dual-stack listener).</summary>
    public static bool IsLoopback(IPEndPoint? remote)
    {
        if (remote is null)
        {
            return false;
        }

        var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        return IPAddress.IsLoopback(address);
    }

    // Constant time whatever the first difference, so the comparison says nothing about how much of a guess was right.
    private static bool Matches(byte[] expected, byte[]? given) =>
        given is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(expected), SHA256.HashData(given));
}
