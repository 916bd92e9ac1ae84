using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeAgent.Cloud.IoTHub;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Testing.Emulator;

/// <summary>
/// An IoT Hub for tests: an in-process MQTT server with TLS on a free loopback port that checks what the hub checks
/// (MQTT 3.1.1, client id, user name with api-version, the SAS signature against a known key and its expiry, QoS,
/// at most five subscriptions), severs a connection when its token expires, and serves the twin and direct methods.
/// It can go down and come back, and refuse publishes (closing the connection without a PUBACK, as the hub does).
/// </summary>
public sealed class IoTHubEmulator : IAsyncDisposable
{
    public const string HostName = "test-hub.azure-devices.net";
    public const string DeviceId = "store-7";
    private const string HubClientId = "$hub";
    public static readonly byte[] DeviceKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    private readonly TempDirectory _folder = new();
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentDictionary<string, long> _tokenExpiry = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(int, byte[])>> _methodCalls = new();
    private readonly Lock _twinLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private MqttServer? _server;
    private Task _expiryLoop = Task.CompletedTask;
    private JsonObject _desired = [];
    private long _desiredVersion = 1;
    private int _refuse;
    private int _holdRecordsAfter = -1;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IoTHubEmulator()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        _certificate = X509CertificateLoader.LoadPkcs12(selfSigned.Export(X509ContentType.Pkcs12), null);
        CaPath = Path.Combine(_folder.Path, "hub-ca.pem");
        File.WriteAllText(CaPath, selfSigned.ExportCertificatePem());
    }

    public int Port { get; } = FreePort.Next();

    /// <summary>The server certificate as a PEM trust bundle for <c>Cloud:TrustedCertificatesPath</c>.</summary>
    public string CaPath { get; }

    public static string ConnectionString => $"HostName={HostName};DeviceId={DeviceId};SharedAccessKey={Convert.ToBase64String(DeviceKey)}";

    public ConcurrentQueue<HubMessage> Telemetry { get; } = new();

    public ConcurrentQueue<HubConnect> Connects { get; } = new();

    public ConcurrentQueue<JsonObject> Reported { get; } = new();

    public bool IsUp => _server?.IsStarted == true;

    /// <summary>Settings that point an agent at this hub.</summary>
    public string[] AgentSettings(params string[] more) =>
    [
        "Cloud:Transport=IoTHub", "Cloud:ConnectionString=" + ConnectionString, "Cloud:Host=127.0.0.1", $"Cloud:Port={Port}",
        "Cloud:TrustedCertificatesPath=" + CaPath, "Cloud:RetryMinDelaySeconds=0.1", "Cloud:RetryMaxDelaySeconds=0.5",
        "Cloud:MaintenanceIntervalSeconds=0.2", .. more,
    ];

    /// <summary>The next <paramref name="count"/> telemetry messages are refused: the connection closes without a PUBACK.</summary>
    public void RefuseNext(int count) => Interlocked.Exchange(ref _refuse, count);

    /// <summary>
    /// Once <paramref name="count"/> records messages are in, the next ones are held without a PUBACK until
    /// <see cref="ReleaseHeld"/>, then dropped (closed without a PUBACK): a hub that stops answering mid-drain.
    /// </summary>
    public void HoldRecordsAfter(int count) => Volatile.Write(ref _holdRecordsAfter, count);

    /// <summary>Ends a hold: the held messages are dropped, as lost in flight, and later ones are taken.</summary>
    public void ReleaseHeld()
    {
        Volatile.Write(ref _holdRecordsAfter, -1);
        _released.TrySetResult();
    }

    public async Task StartAsync()
    {
        var options = new MqttServerOptionsBuilder()
            .WithoutDefaultEndpoint()
            .WithEncryptedEndpoint()
            .WithEncryptedEndpointBoundIPAddress(IPAddress.Loopback)
            .WithEncryptedEndpointPort(Port)
            .WithEncryptionCertificate(_certificate)
            .WithEncryptionSslProtocol(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(options);
        _server.ValidatingConnectionAsync += ValidateAsync;
        _server.InterceptingSubscriptionAsync += e =>
        {
            var count = e.Session.Items.Contains("subs") ? (int)e.Session.Items["subs"]! + 1 : 1;
            e.Session.Items["subs"] = count;
            if (count > 5)
            {
                e.Response.ReasonCode = MqttSubscribeReasonCode.QuotaExceeded;
                e.ProcessSubscription = false;
            }

            return Task.CompletedTask;
        };
        _server.InterceptingPublishAsync += OnPublishAsync;
        await _server.StartAsync();
        _expiryLoop = Task.Run(ExpireTokensAsync);
    }

    /// <summary>The hub goes away: every connection drops, new ones are refused.</summary>
    public async Task StopAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.StopAsync(new MqttServerStopOptions());
            server.Dispose();
        }
    }

    /// <summary>Changes desired properties as the service would; the patch goes to a connected device.</summary>
    public async Task<long> UpdateDesiredAsync(JsonObject patch)
    {
        long version;
        lock (_twinLock)
        {
            version = ++_desiredVersion;
            foreach (var (key, value) in patch)
            {
                _desired[key] = value?.DeepClone();
            }
        }

        var body = patch.DeepClone().AsObject();
        body["$version"] = version;
        await InjectAsync($"$iothub/twin/PATCH/properties/desired/?$version={version}", Encoding.UTF8.GetBytes(body.ToJsonString()));
        return version;
    }

    /// <summary>Invokes a direct method and waits for the device's answer.</summary>
    public async Task<(int Status, JsonElement Body)> InvokeMethodAsync(string method, string payload, TimeSpan timeout)
    {
        var rid = Guid.NewGuid().ToString("N")[..8];
        var call = new TaskCompletionSource<(int, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        _methodCalls[rid] = call;
        await InjectAsync($"$iothub/methods/POST/{method}/?$rid={rid}", Encoding.UTF8.GetBytes(payload));
        var (status, body) = await call.Task.WaitAsync(timeout);
        return (status, JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>Every record that arrived, by sequence number (duplicates collapse).</summary>
    public SortedSet<long> RecordSequences()
    {
        var all = new SortedSet<long>();
        foreach (var message in Telemetry.Where(m => m.Type == "records"))
        {
            foreach (var item in message.Items())
            {
                all.Add(item.GetProperty("seq").GetInt64());
            }
        }

        return all;
    }

    public async ValueTask DisposeAsync()
    {
        _released.TrySetResult();
        await _stopping.CancelAsync();
        await StopAsync();
        try
        {
            await _expiryLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _certificate.Dispose();
        _stopping.Dispose();
        _folder.Dispose();
    }

    private Task ValidateAsync(ValidatingConnectionEventArgs e)
    {
        var expectedUser = $"{HostName}/{DeviceId}/?api-version=2021-04-12";
        var tokenProblem = CheckToken(e.Password, out var expiry);
        var reason = e.ProtocolVersion != MqttProtocolVersion.V311 ? "protocol " + e.ProtocolVersion
            : e.ClientId != DeviceId ? "client id " + e.ClientId
            : e.UserName != expectedUser ? "user name " + e.UserName
            : tokenProblem ?? (e.IsSecureConnection ? null : "no TLS");
        Connects.Enqueue(new HubConnect(e.ClientId, e.UserName, e.Password, reason is null, reason, reason is null ? expiry : 0));
        if (reason is not null)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
        }
        else
        {
            _tokenExpiry[e.ClientId] = expiry;
        }

        return Task.CompletedTask;
    }

    /// <summary>Checks a SAS token as the hub does; returns why it is refused, or null.</summary>
    private static string? CheckToken(string? password, out long expiry)
    {
        expiry = 0;
        const string prefix = "SharedAccessSignature ";
        if (password is null || !password.StartsWith(prefix, StringComparison.Ordinal))
        {
            return "no SAS token";
        }

        var fields = password[prefix.Length..].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        if (!fields.TryGetValue("sr", out var sr) || !fields.TryGetValue("sig", out var sig) || !fields.TryGetValue("se", out var se)
            || !long.TryParse(se, NumberStyles.None, CultureInfo.InvariantCulture, out expiry))
        {
            return "malformed token";
        }

        var resource = WebUtility.UrlDecode(sr);
        if (!string.Equals(resource, $"{HostName}/devices/{DeviceId}", StringComparison.OrdinalIgnoreCase))
        {
            return "token for " + resource;
        }

        var expected = SasToken.Sign(DeviceKey, sr + "\n" + se);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(WebUtility.UrlDecode(sig))))
        {
            return "bad signature";
        }

        return expiry <= DateTimeOffset.UtcNow.ToUnixTimeSeconds() ? "token expired" : null;
    }

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (e.ClientId == HubClientId)
        {
            return; // the hub's own messages to the device (twin responses, patches, method calls)
        }

        e.ProcessPublish = false; // the hub routes nothing between devices
        if (message.QualityOfServiceLevel == MqttQualityOfServiceLevel.ExactlyOnce)
        {
            e.CloseConnection = true;
            return;
        }

        var topic = message.Topic;
        var payload = message.Payload.ToArray();
        var events = $"devices/{DeviceId}/messages/events/";
        if (topic.StartsWith(events, StringComparison.Ordinal))
        {
            if (Interlocked.Decrement(ref _refuse) >= 0)
            {
                e.CloseConnection = true;
                return;
            }

            Interlocked.Exchange(ref _refuse, 0);
            var received = new HubMessage(PropertyBag(topic[events.Length..]), payload);
            var holdAfter = Volatile.Read(ref _holdRecordsAfter);
            if (holdAfter >= 0 && received.Type == "records" && Telemetry.Count(m => m.Type == "records") >= holdAfter)
            {
                await _released.Task.WaitAsync(_stopping.Token);
                e.CloseConnection = true;
                return;
            }

            Telemetry.Enqueue(received);
        }
        else if (topic.StartsWith("$iothub/twin/GET/", StringComparison.Ordinal))
        {
            string twin;
            lock (_twinLock)
            {
                var desired = _desired.DeepClone().AsObject();
                desired["$version"] = _desiredVersion;
                twin = new JsonObject { ["desired"] = desired, ["reported"] = new JsonObject { ["$version"] = Reported.Count + 1 } }.ToJsonString();
            }

            Respond($"$iothub/twin/res/200/?$rid={Rid(topic)}", Encoding.UTF8.GetBytes(twin));
        }
        else if (topic.StartsWith("$iothub/twin/PATCH/properties/reported/", StringComparison.Ordinal))
        {
            Reported.Enqueue(JsonNode.Parse(payload)!.AsObject());
            Respond($"$iothub/twin/res/204/?$rid={Rid(topic)}&$version={Reported.Count + 1}", []);
        }
        else if (topic.StartsWith("$iothub/methods/res/", StringComparison.Ordinal))
        {
            var status = int.Parse(topic.Split('/')[3], CultureInfo.InvariantCulture);
            if (_methodCalls.TryRemove(Rid(topic), out var call))
            {
                call.TrySetResult((status, payload));
            }
        }
        else
        {
            e.CloseConnection = true; // only the documented topics are supported
        }

        await Task.CompletedTask;
    }

    private void Respond(string topic, byte[] payload) => _ = Task.Run(() => InjectAsync(topic, payload));

    private async Task InjectAsync(string topic, byte[] payload)
    {
        if (_server is { } server)
        {
            var message = new MqttApplicationMessage
            {
                Topic = topic,
                Payload = new ReadOnlySequence<byte>(payload),
                QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
            };
            await server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = HubClientId });
        }
    }

    private async Task ExpireTokensAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            await Task.Delay(100, _stopping.Token);
            if (_server is not { } server)
            {
                continue;
            }

            // "When the token expires, the IoT hub severs the device/module connection."
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            foreach (var client in await server.GetClientsAsync())
            {
                if (_tokenExpiry.TryGetValue(client.Id, out var expiry) && expiry <= now)
                {
                    await client.DisconnectAsync(new MqttServerClientDisconnectOptions());
                }
            }
        }
    }

    private static string Rid(string topic) => IoTHubTopics.Query(topic[(topic.IndexOf('?', StringComparison.Ordinal) + 1)..], "$rid") ?? "";

    private static Dictionary<string, string> PropertyBag(string bag) =>
        bag.TrimEnd('/').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "");
}
