using System.Buffers;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EdgeAgent.Cloud.IoTHub;
using EdgeAgent.Shared.Mqtt;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Cloud.Transport;

/// <summary>
/// Any MQTT 5 broker as the cloud, for clouds that are not IoT Hub and for local setups: the same JSON payloads on
/// <see cref="CloudOptions.Topic"/>, the message id and type as user properties; desired properties from a retained
/// JSON document, reported properties published retained, and direct methods as MQTT 5 request/response. Control
/// messages count only when signed by the cloud (<see cref="ControlMessageSignature"/>, <see cref="CloudOptions.ControlKeyFile"/>);
/// without a key they are refused unless <see cref="CloudOptions.AllowInsecure"/>.
/// </summary>
public sealed partial class MqttTargetTransport : MqttTransportBase
{
    private readonly string _clientId;
    private readonly string _methodsPrefix;
    private readonly string _desiredTopic;
    private readonly string _reportedTopic;
    private readonly X509Certificate2Collection? _trust;
    private readonly Lock _desiredLock = new();
    private readonly ILogger<MqttTargetTransport> _logger;
    private readonly ControlMessageSignature? _signature;
    private Task _desiredChain = Task.CompletedTask;

    public MqttTargetTransport(CloudOptions options, TimeProvider time, ILogger<MqttTargetTransport> logger)
        : base(options, time, logger)
    {
        _logger = logger;
        // Distinct from the terminals' client id (Mqtt:ClientId), so the two never take over each other's session on a shared broker.
        _clientId = MqttClientSetup.ClientId(options.ClientId, "-cloud");
        _methodsPrefix = Expand(options.MethodsTopic, "");
        _desiredTopic = Expand(options.DesiredTopic, "");
        _reportedTopic = Expand(options.ReportedTopic, "");
        if (!string.IsNullOrWhiteSpace(options.TrustedCertificatesPath))
        {
            _trust = CloudCertificates.LoadBundle(File.ReadAllText(options.TrustedCertificatesPath));
        }

        if (!string.IsNullOrWhiteSpace(options.ControlKeyFile))
        {
            _signature = ControlMessageSignature.FromFile(options.ControlKeyFile, time);
        }
    }

    public override string Description => $"MQTT {Options.Host}:{Port} as {_clientId}, {Options.Topic}";

    private int Port => Options.Port ?? (Options.UseTls ? 8883 : 1883);

    /// <summary>The topic a message of <paramref name="stream"/> goes to.</summary>
    public string TopicFor(CloudStream stream) => Expand(Options.Topic, CloudMessage.TypeName(stream));

    public override Task SendAsync(CloudMessage message, CancellationToken cancellationToken)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(TopicFor(message.Stream))
            .WithPayload(message.Body)
            .WithContentType(message.ContentType)

            // A compressed body is bytes, not UTF-8: MQTT 5 has no content encoding, so a user property says it, as
            // $.ce does at IoT Hub (an Avro container says its codec itself).
            .WithPayloadFormatIndicator(message.Compressed ? MqttPayloadFormatIndicator.Unspecified : MqttPayloadFormatIndicator.CharacterData)
            .WithUserProperty("mid", System.Text.Encoding.UTF8.GetBytes(message.MessageId))
            .WithUserProperty("messageType", System.Text.Encoding.UTF8.GetBytes(message.Type))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (message.ContentEncoding is { } encoding)
        {
            builder.WithUserProperty("content-encoding", System.Text.Encoding.UTF8.GetBytes(encoding));
        }

        return PublishAsync(builder.Build(), cancellationToken);
    }

    public override Task ReportAsync(ReadOnlyMemory<byte> patch, CancellationToken cancellationToken) =>
        PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(_reportedTopic)
            .WithPayload(patch.ToArray())
            .WithContentType(CloudMessage.JsonContentType)
            .WithRetainFlag()
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), cancellationToken);

    protected override async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var builder = MqttClientSetup.Server(Options.Host!, Port)
            .WithMqtt5(_clientId)
            .WithKeepAliveSeconds(Options.KeepAliveSeconds)
            .WithTimeout(SendTimeout)
            .WithOptionalCredentials(Options.Username, Options.Password);
        if (Options.UseTls)
        {
            builder.WithServerTls(
                Options.Host!,
                _trust,
                string.IsNullOrWhiteSpace(Options.CertificatePath) ? null : CloudCertificates.LoadClientCertificate(Options.CertificatePath, Options.CertificateKeyPath),
                X509RevocationMode.Online);
        }

        var result = await Client.ConnectAsync(builder.Build(), cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new CloudSendException($"connect refused: {result.ResultCode} {result.ReasonString}");
        }

        // The retained desired document arrives right after this subscription, as the whole set of properties.
        var subscribed = await Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(_methodsPrefix + "/+").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .WithTopicFilter(f => f.WithTopic(_desiredTopic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build(), cancellationToken);
        if (subscribed.Items.Any(i => (int)i.ResultCode > 2))
        {
            throw new CloudSendException("subscription refused: " + string.Join(", ", subscribed.Items.Select(i => i.ResultCode)));
        }

        await Handler.OnConnectedAsync(cancellationToken);
    }

    protected override Task OnMessageAsync(MqttApplicationMessage message)
    {
        if (message.Topic == _desiredTopic)
        {
            var payload = message.Payload.ToArray();
            if (payload.Length > 0 && Unauthentic(message, payload, once: false) is { } refusal)
            {
                LogControlRefused("desired properties", refusal);
                Dispatch("refused desired properties", () => Handler.OnControlRefusedAsync("desired properties " + refusal, Stopping));
                return Task.CompletedTask;
            }

            lock (_desiredLock)
            {
                _desiredChain = _desiredChain.ContinueWith(_ => ApplyDesiredAsync(payload), CancellationToken.None,
                    TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            }
        }
        else if (message.Topic.StartsWith(_methodsPrefix + "/", StringComparison.Ordinal) && message.ResponseTopic is { Length: > 0 } responseTopic)
        {
            var method = message.Topic[(_methodsPrefix.Length + 1)..];
            var payload = message.Payload.ToArray();
            var correlation = message.CorrelationData;
            var refusal = Unauthentic(message, payload, once: true);
            if (refusal is not null)
            {
                LogControlRefused("method " + method, refusal);
            }

            Dispatch("method " + method, async () =>
            {
                var response = refusal is null
                    ? await Handler.OnMethodAsync(method, payload, Stopping)
                    : CloudMethodResponse.Error(401, "refused: " + refusal);
                await PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic(responseTopic)
                    .WithPayload(response.Body)
                    .WithCorrelationData(correlation)
                    .WithContentType(CloudMessage.JsonContentType)
                    .WithUserProperty("status", System.Text.Encoding.UTF8.GetBytes(response.Status.ToString(CultureInfo.InvariantCulture)))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(), Stopping);
            });
        }

        return Task.CompletedTask;
    }

    /// <summary>Null when the control message may be acted on; else why not.</summary>
    private string? Unauthentic(MqttApplicationMessage message, byte[] payload, bool once)
    {
        if (_signature is null)
        {
            return Options.AllowInsecure ? null : "no Cloud:ControlKeyFile to check the cloud's signature with";
        }

        string? timestamp = null, signature = null;
        foreach (var property in message.UserProperties ?? [])
        {
            if (property.Name == "ts")
            {
                timestamp = System.Text.Encoding.UTF8.GetString(property.ValueBuffer.Span);
            }
            else if (property.Name == "sig")
            {
                signature = System.Text.Encoding.UTF8.GetString(property.ValueBuffer.Span);
            }
        }

        return _signature.Verify(message.Topic, message.ResponseTopic, message.CorrelationData, payload, timestamp, signature, once);
    }

    private async Task ApplyDesiredAsync(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return;
        }

        try
        {
            using var desired = JsonDocument.Parse(payload);
            await Handler.OnDesiredPropertiesAsync(desired.RootElement, complete: true, Stopping);
        }
        catch (Exception ex) when (!Stopping.IsCancellationRequested)
        {
            LogDesiredFailed(ex);
        }
    }

    private string Expand(string template, string type) =>
        template.Replace("{clientId}", _clientId, StringComparison.Ordinal).Replace("{type}", type, StringComparison.Ordinal);

    [LoggerMessage(EventId = 420, Level = LogLevel.Warning, Message = "The desired properties could not be applied")]
    private partial void LogDesiredFailed(Exception exception);

    [LoggerMessage(EventId = 421, Level = LogLevel.Warning, Message = "Cloud control message refused ({What}): {Reason}")]
    private partial void LogControlRefused(string what, string reason);
}
