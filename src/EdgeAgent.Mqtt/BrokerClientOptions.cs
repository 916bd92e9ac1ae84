using EdgeAgent.Mqtt.Security;
using EdgeAgent.Shared.Mqtt;
using MQTTnet;

namespace EdgeAgent.Mqtt;

/// <summary>
/// How the agent connects to an external broker: MQTT 5, a persistent session, bounded in-flight payments; with TLS,
/// the broker's certificate checked against the store CA (<see cref="MqttOptions.CaPath"/>) or the system roots, and
/// the agent's own client certificate when it has one.
/// </summary>
internal static class BrokerClientOptions
{
    public static MqttClientOptions Build(MqttOptions options)
    {
        var builder = MqttClientSetup.Server(options.Host!, options.Port, options.TcpBufferBytes)
            .WithMqtt5(options.EffectiveClientId, cleanStart: false)
            .WithSessionExpiryInterval((uint)options.SessionExpirySeconds)
            .WithReceiveMaximum((ushort)options.ReceiveMaximum)
            .WithMaximumPacketSize((uint)options.MaxPacketBytes)
            .WithKeepAliveSeconds(options.KeepAliveSeconds)
            .WithOptionalCredentials(options.Username, options.Password);
        if (options.UseTls)
        {
            builder.WithServerTls(
                string.IsNullOrWhiteSpace(options.TlsServerName) ? options.Host! : options.TlsServerName,
                string.IsNullOrWhiteSpace(options.CaPath) ? null : CertificateFiles.LoadBundle(options.CaPath),
                string.IsNullOrWhiteSpace(options.ClientCertificatePath) ? null : CertificateFiles.LoadWithKey(options.ClientCertificatePath, options.ClientKeyPath));
        }

        return builder.Build();
    }
}
