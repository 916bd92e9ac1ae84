using System.Globalization;
using System.Text;
using EdgeAgent.Fleet.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeAgent.Fleet.Rollout;

/// <summary>
/// Publishes a store's desired document on the uplink broker, retained, at QoS 1, signed with the store's control key
/// (<c>{Fleet:ControlKeysFolder}/{store}.key</c>, base64 of at least 32 bytes, the same secret as the agent's
/// <c>Cloud:ControlKeyFile</c>). Retained, so an agent that is offline now reads it when it connects again. A publish
/// returns once the broker has acknowledged it. One client per silo, connected on first use; the silo's
/// <see cref="RolloutTicker"/> publishes with it what the rollout grain owes, outside the grain's calls.
/// </summary>
internal sealed partial class DesiredPublisher(IOptions<FleetOptions> options, TimeProvider time, ILogger<DesiredPublisher> logger) : IAsyncDisposable
{
    private readonly FleetOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IMqttClient? _client;

    /// <summary>Whether this fleet can deliver at all: an uplink broker and a folder of control keys.</summary>
    public bool Configured => IsConfigured(_options);

    public static bool IsConfigured(FleetOptions options) =>
        !string.IsNullOrWhiteSpace(options.UplinkHost) && !string.IsNullOrWhiteSpace(options.ControlKeysFolder);

    public string TopicOf(string store) => _options.DesiredTopic.Replace("{store}", store, StringComparison.Ordinal);

    public async Task PublishAsync(string store, byte[] document, CancellationToken cancellationToken)
    {
        var key = ReadKey(store);
        var topic = TopicOf(store);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(document)
            .WithContentType("application/json")
            .WithRetainFlag()
            .WithUserProperty("ts", Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture)))
            .WithUserProperty("sig", Encoding.UTF8.GetBytes(DesiredDocument.Sign(key, topic, timestamp, document)))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var client = await ConnectedAsync(cancellationToken);
        var result = await client.PublishAsync(message, cancellationToken);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"the broker refused the desired document of {store}: {result.ReasonCode}");
        }
    }

    private byte[] ReadKey(string store)
    {
        var path = Path.Combine(_options.ControlKeysFolder, store + ".key");
        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"the control key {path} is not base64");
        }

        return key.Length >= 32 ? key : throw new InvalidOperationException($"the control key {path} holds {key.Length} bytes; at least 32 are needed");
    }

    private async Task<IMqttClient> ConnectedAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_client is { IsConnected: true })
            {
                return _client;
            }

            _client?.Dispose();
            _client = new MqttClientFactory().CreateMqttClient();
            var builder = new MqttClientOptionsBuilder()
                .WithTcpServer(_options.UplinkHost, _options.UplinkPort)
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId($"edgeagent-fleet-desired-{_options.AdvertisedAddress}-{_options.SiloPort}")
                .WithCleanStart(true)
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
                .WithTimeout(TimeSpan.FromSeconds(10));
            if (!string.IsNullOrEmpty(_options.UplinkUsername))
            {
                builder.WithCredentials(_options.UplinkUsername, _options.UplinkPassword);
            }

            var result = await _client.ConnectAsync(builder.Build(), cancellationToken);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException($"connect refused: {result.ResultCode}");
            }

            LogConnected(_options.UplinkHost, _options.UplinkPort);
            return _client;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is { IsConnected: true } client)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
        }

        _client?.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Desired-state publisher connected at {Host}:{Port}")]
    private partial void LogConnected(string host, int port);
}
