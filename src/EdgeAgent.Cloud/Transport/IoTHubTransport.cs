using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EdgeAgent.Cloud.IoTHub;
using EdgeAgent.Shared.Mqtt;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeAgent.Cloud.Transport;

/// <summary>
/// Azure IoT Hub (or IoT Edge's edgeHub) spoken directly over its documented MQTT device and module protocol:
/// MQTT 3.1.1 over TLS, SAS token or X.509 client certificate, telemetry with system properties in the topic's
/// property bag, the device twin and direct methods on <c>$iothub/…</c> topics. Three subscriptions of the five
/// allowed; QoS 1 only (QoS 2 closes the connection).
/// </summary>
public sealed partial class IoTHubTransport : MqttTransportBase
{
    private readonly IoTHubSettings _settings;
    private readonly ISasSigner? _signer;
    private readonly WorkloadClient? _workload;
    private readonly X509Certificate2? _clientCertificate;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<(int Status, byte[] Body)>> _twinRequests = new();
    private readonly Lock _desiredLock = new();
    private readonly ILogger<IoTHubTransport> _logger;
    private X509Certificate2Collection? _trust;
    private Task _desiredChain = Task.CompletedTask;
    private DateTimeOffset _renewAt = DateTimeOffset.MaxValue;
    private volatile bool _twinStale;
    private int _fetching;
    private long _requestId;

    public IoTHubTransport(CloudOptions options, IoTHubSettings settings, TimeProvider time, ILogger<IoTHubTransport> logger)
        : base(options, time, logger)
    {
        _settings = settings;
        _logger = logger;
        if (settings.SharedAccessKey is { } key)
        {
            _signer = new SymmetricKeySigner(key);
        }
        else if (settings.Edge is { } edge)
        {
            _workload = new WorkloadClient(edge, settings.ModuleId!);
            _signer = _workload;
        }
        else
        {
            _clientCertificate = CloudCertificates.LoadClientCertificate(options.CertificatePath!, options.CertificateKeyPath);
        }

        if (!string.IsNullOrWhiteSpace(options.TrustedCertificatesPath))
        {
            _trust = CloudCertificates.LoadBundle(File.ReadAllText(options.TrustedCertificatesPath));
        }
    }

    public override string Description => $"IoT Hub {_settings.HostName} as {_settings.ClientId} via {_settings.ConnectHost}:{_settings.Port}";

    /// <summary>When the current token expires (renewal comes earlier); for tests and status.</summary>
    public DateTimeOffset TokenExpiresAt { get; private set; } = DateTimeOffset.MaxValue;

    protected override DateTimeOffset RenewAt => _renewAt;

    public override Task SendAsync(CloudMessage message, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> properties =
        [
            new("$.mid", message.MessageId),
            new("$.ct", message.ContentType),
            new("messageType", message.Type),
        ];
        if (message.ContentEncoding is { } encoding)
        {
            properties.Insert(2, new("$.ce", encoding));
        }

        if (_settings.ModuleId is not null)
        {
            // Module outputs let edgeHub routes give alerts their own priority (FROM /messages/modules/{m}/outputs/alerts).
            properties.Add(new("$.on", message.Type));
        }

        return PublishAsync(new MqttApplicationMessage
        {
            Topic = IoTHubTopics.Events(_settings.DeviceId, _settings.ModuleId, properties),
            Payload = new ReadOnlySequence<byte>(message.Body),
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        }, cancellationToken);
    }

    public override async Task ReportAsync(ReadOnlyMemory<byte> patch, CancellationToken cancellationToken)
    {
        var (status, body) = await TwinRequestAsync(IoTHubTopics.ReportedPatch, patch, cancellationToken);
        if (status is < 200 or >= 300)
        {
            throw new CloudSendException($"reported properties refused: {status} {System.Text.Encoding.UTF8.GetString(body)}");
        }
    }

    protected override async Task ConnectAsync(CancellationToken cancellationToken)
    {
        string? password = null;
        if (_signer is not null)
        {
            var now = Time.GetUtcNow();
            var lifetime = TimeSpan.FromSeconds(Options.SasTokenLifetimeSeconds);
            var expiry = (now + lifetime).ToUnixTimeSeconds();
            var signature = await _signer.SignAsync(SasToken.StringToSign(_settings.ResourceUri, expiry), cancellationToken);
            password = SasToken.Format(_settings.ResourceUri, expiry, signature);
            TokenExpiresAt = DateTimeOffset.FromUnixTimeSeconds(expiry);
            _renewAt = TokenExpiresAt - (lifetime * (Options.SasTokenRenewalPercent / 100.0));
        }

        if (_trust is null && _workload is not null && _settings.Edge?.GatewayHostName is not null)
        {
            _trust = CloudCertificates.LoadBundle(await _workload.GetTrustBundleAsync(cancellationToken));
        }

        // IoT Hub speaks MQTT 3.1.1 only, and always with its own TLS and a device identity in the user name.
        var builder = MqttClientSetup.Server(_settings.ConnectHost, _settings.Port)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(_settings.ClientId)
            .WithCleanSession(true)
            .WithKeepAliveSeconds(Options.KeepAliveSeconds)
            .WithTimeout(SendTimeout)
            .WithCredentials(_settings.Username, password)
            .WithServerTls(_settings.ConnectHost, _trust, _clientCertificate, X509RevocationMode.Online);

        var result = await Client.ConnectAsync(builder.Build(), cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new CloudSendException($"connect refused: {result.ResultCode}");
        }

        // The hub keeps no desired-property notifications for a disconnected device: subscribe, then fetch the whole
        // twin, so that nothing changed while away is missed (older patches are ignored by version).
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(IoTHubTopics.TwinResponses).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .WithTopicFilter(f => f.WithTopic(IoTHubTopics.DesiredPatches).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .WithTopicFilter(f => f.WithTopic(IoTHubTopics.Methods).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build();
        var subscribed = await Client.SubscribeAsync(subscribe, cancellationToken);
        if (subscribed.Items.Any(i => (int)i.ResultCode > 2))
        {
            throw new CloudSendException("subscription refused: " + string.Join(", ", subscribed.Items.Select(i => i.ResultCode)));
        }

        // Telemetry may flow at once; the twin is fetched beside it, so a slow or throttled twin never holds it up.
        _twinStale = true;
        Dispatch("twin", async () =>
        {
            await FetchTwinAsync(Stopping);
            await Handler.OnConnectedAsync(Stopping);
        });
    }

    protected override Task OnIdleAsync(CancellationToken cancellationToken) =>
        _twinStale ? FetchTwinAsync(cancellationToken) : Task.CompletedTask;

    protected override Task OnMessageAsync(MqttApplicationMessage message)
    {
        var topic = message.Topic;
        if (IoTHubTopics.TryParseTwinResponse(topic, out var status, out var requestId))
        {
            if (_twinRequests.TryRemove(requestId, out var waiter))
            {
                waiter.TrySetResult((status, message.Payload.ToArray()));
            }
        }
        else if (IoTHubTopics.IsDesiredPatch(topic))
        {
            var payload = message.Payload.ToArray();

            // Patches are applied one after another, in the order they came.
            lock (_desiredLock)
            {
                _desiredChain = _desiredChain.ContinueWith(_ => ApplyDesiredAsync(payload, complete: false), CancellationToken.None,
                    TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            }
        }
        else if (IoTHubTopics.TryParseMethod(topic, out var method, out var rid))
        {
            var payload = message.Payload.ToArray();
            Dispatch("method " + method, async () =>
            {
                var response = await Handler.OnMethodAsync(method, payload, Stopping);
                await PublishAsync(new MqttApplicationMessage
                {
                    Topic = IoTHubTopics.MethodResponse(response.Status, rid),
                    Payload = new ReadOnlySequence<byte>(response.Body),
                    QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
                }, Stopping);
            });
        }

        return Task.CompletedTask;
    }

    protected override void DisposeResources()
    {
        _workload?.Dispose();
        _clientCertificate?.Dispose();
    }

    private async Task FetchTwinAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _fetching, 1) != 0)
        {
            return;
        }

        try
        {
            var (status, body) = await TwinRequestAsync(IoTHubTopics.TwinGet, ReadOnlyMemory<byte>.Empty, cancellationToken);
            if (status != 200)
            {
                LogTwinFailed(status);
                return;
            }

            using var twin = JsonDocument.Parse(body);
            if (twin.RootElement.TryGetProperty("desired", out var desired))
            {
                await Handler.OnDesiredPropertiesAsync(desired, complete: true, cancellationToken);
            }

            _twinStale = false;
        }
        catch (CloudSendException ex)
        {
            // Telemetry can flow without the twin; the fetch is retried while connected.
            LogTwinUnavailable(ex.Message);
        }
        finally
        {
            Interlocked.Exchange(ref _fetching, 0);
        }
    }

    private async Task ApplyDesiredAsync(byte[] payload, bool complete)
    {
        try
        {
            using var patch = JsonDocument.Parse(payload);
            await Handler.OnDesiredPropertiesAsync(patch.RootElement, complete, Stopping);
        }
        catch (Exception ex) when (!Stopping.IsCancellationRequested)
        {
            LogDesiredFailed(ex);
        }
    }

    private async Task<(int Status, byte[] Body)> TwinRequestAsync(Func<long, string> topic, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var requestId = Interlocked.Increment(ref _requestId);
        var waiter = new TaskCompletionSource<(int, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        _twinRequests[requestId] = waiter;
        try
        {
            await PublishAsync(new MqttApplicationMessage
            {
                Topic = topic(requestId),
                Payload = new ReadOnlySequence<byte>(body),
                QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
            }, cancellationToken);
            try
            {
                return await waiter.Task.WaitAsync(SendTimeout, Time, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new CloudSendException($"no twin response within {Options.SendTimeoutSeconds} s");
            }
        }
        finally
        {
            _twinRequests.TryRemove(requestId, out _);
        }
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Warning, Message = "The twin could not be fetched (status {Status}); retrying while connected")]
    private partial void LogTwinFailed(int status);

    [LoggerMessage(EventId = 411, Level = LogLevel.Warning, Message = "The twin could not be fetched: {Reason}; retrying while connected")]
    private partial void LogTwinUnavailable(string reason);

    [LoggerMessage(EventId = 412, Level = LogLevel.Warning, Message = "A desired-properties patch could not be applied")]
    private partial void LogDesiredFailed(Exception exception);
}
