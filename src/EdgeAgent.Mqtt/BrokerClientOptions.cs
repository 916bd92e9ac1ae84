using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeAgent.Mqtt;

/// <summary>How the agent connects to an external broker: MQTT 5, a persistent session, bounded in-flight payments.</summary>
internal static class BrokerClientOptions
{
    public static MqttClientOptions Build(MqttOptions options)
    {
        // The end point must be set before the TCP options: MQTTnet's builder drops it otherwise.
        var builder = new MqttClientOptionsBuilder()
            .WithEndPoint(new System.Net.DnsEndPoint(options.Host!, options.Port))
            .WithTcpServer(tcp =>
            {
                tcp.BufferSize = options.TcpBufferBytes;
                tcp.NoDelay = true;
            })
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(options.EffectiveClientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)options.SessionExpirySeconds)
            .WithReceiveMaximum((ushort)options.ReceiveMaximum)
            .WithMaximumPacketSize((uint)options.MaxPacketBytes)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (!string.IsNullOrEmpty(options.Username))
        {
            builder.WithCredentials(options.Username, options.Password);
        }

        if (options.UseTls)
        {
            builder.WithTlsOptions(tls => tls.UseTls());
        }

        return builder.Build();
    }
}
