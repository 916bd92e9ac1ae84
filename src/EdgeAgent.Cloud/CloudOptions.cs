using System.ComponentModel.DataAnnotations;
using EdgeAgent.Cloud.IoTHub;
using EdgeAgent.Shared.Mqtt;

namespace EdgeAgent.Cloud;

/// <summary>
/// The path to the cloud (configuration section <c>Cloud</c>; environment variables <c>EdgeAgent__Cloud__{Key}</c>).
/// Scoring never waits for it: records are read from the record, alerts and metric snapshots are queued beside it
/// in the agent's database file, and a paced pump sends them when the cloud is there.
/// </summary>
public sealed class CloudOptions : IValidatableObject
{
    public const string SectionName = "Cloud";

    /// <summary><c>None</c> (default: nothing leaves the node), <c>IoTHub</c> or <c>Mqtt</c>.</summary>
    public CloudTransportKind Transport { get; set; } = CloudTransportKind.None;

    /// <summary>
    /// IoT Hub device or module connection string: <c>HostName=…;DeviceId=…[;ModuleId=…][;SharedAccessKey=…][;GatewayHostName=…]</c>.
    /// Without a key the device authenticates with <see cref="CertificatePath"/>. Unset under IoT Edge: the agent
    /// then takes its identity from the <c>IOTEDGE_*</c> environment and has the workload API sign its tokens.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// X.509 client certificate (PEM, with <see cref="CertificateKeyPath"/>, or PKCS#12), the alternative to a
    /// shared access key. Unset by default.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="CertificatePath"/> when that file holds only the certificate.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>
    /// PEM bundle of certificates that the server's chain must end in, instead of the system roots (a private broker,
    /// a test hub). Under IoT Edge the workload API's trust bundle is used. Unset by default.
    /// </summary>
    public string? TrustedCertificatesPath { get; set; }

    /// <summary>
    /// Lifetime of a SAS token, in seconds. The agent reconnects with a fresh one before it expires (MQTT 3.1.1 has no
    /// re-authentication). Default 3600, as the Azure SDKs.
    /// </summary>
    [Range(5, 31_536_000)]
    public int SasTokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>How early to renew a token, in percent of its lifetime. Default 15, as the Azure SDKs.</summary>
    [Range(1, 90)]
    public int SasTokenRenewalPercent { get; set; } = 15;

    /// <summary>Broker host for <c>Mqtt</c>; for <c>IoTHub</c> it overrides the host to connect to (a gateway). Unset by default.</summary>
    public string? Host { get; set; }

    /// <summary>Port. Default 8883 for IoT Hub and for <c>Mqtt</c> with TLS; 1883 for <c>Mqtt</c> without.</summary>
    [Range(1, 65535)]
    public int? Port { get; set; }

    /// <summary>
    /// Topic for <c>Mqtt</c>; <c>{clientId}</c> and <c>{type}</c> (records, alerts, metrics) are replaced.
    /// Default <c>edgeagent/{clientId}/{type}</c>.
    /// </summary>
    [Required]
    public string Topic { get; set; } = "edgeagent/{clientId}/{type}";

    /// <summary>
    /// Topic prefix for direct methods over <c>Mqtt</c>: a request to <c>{prefix}/{method}</c> with an MQTT 5 response
    /// topic is answered there. Default <c>edgeagent/{clientId}/methods</c>.
    /// </summary>
    [Required]
    public string MethodsTopic { get; set; } = "edgeagent/{clientId}/methods";

    /// <summary>Topic of the desired properties over <c>Mqtt</c> (a retained JSON document). Default <c>edgeagent/{clientId}/desired</c>.</summary>
    [Required]
    public string DesiredTopic { get; set; } = "edgeagent/{clientId}/desired";

    /// <summary>Topic of the reported properties over <c>Mqtt</c> (published retained). Default <c>edgeagent/{clientId}/reported</c>.</summary>
    [Required]
    public string ReportedTopic { get; set; } = "edgeagent/{clientId}/reported";

    /// <summary>Client id at the <c>Mqtt</c> broker. Default <c>edgeagent-{host name}-cloud</c>, distinct from the terminals' connection.</summary>
    public string? ClientId { get; set; }

    /// <summary>User name at the <c>Mqtt</c> broker. Unset by default.</summary>
    public string? Username { get; set; }

    /// <summary>Password at the <c>Mqtt</c> broker. Unset by default.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// TLS to the <c>Mqtt</c> broker, its certificate checked against <see cref="TrustedCertificatesPath"/> or the system
    /// roots. Default true; false is accepted only for a loopback <see cref="Host"/> or with <see cref="AllowInsecure"/>.
    /// IoT Hub always uses TLS.
    /// </summary>
    public bool UseTls { get; set; } = true;

    /// <summary>
    /// Accepts a plaintext <c>Mqtt</c> uplink to a host beyond loopback, and desired properties and methods without a
    /// signature when no <see cref="ControlKeyFile"/> is set. Default false; when true the agent warns at every start.
    /// </summary>
    public bool AllowInsecure { get; set; }

    /// <summary>
    /// The shared secret (a file, base64 or text of at least 32 bytes) with which the cloud signs desired properties and
    /// method requests sent over a generic <c>Mqtt</c> broker (HMAC-SHA256, docs/security.md). Unset (default): such
    /// control messages are refused, since anyone who may publish on the broker could send them. IoT Hub does not use it:
    /// there the hub, authenticated by TLS, is the only sender.
    /// </summary>
    public string? ControlKeyFile { get; set; }

    /// <summary>
    /// Highest review threshold the cloud may set through desired properties. Unset (default): the larger of the model
    /// card's and <c>Decision:ReviewThreshold</c>, so remote control can make the agent stricter, never laxer, than the
    /// node's own configuration.
    /// </summary>
    [Range(0.0, 1.0)]
    public double? MaxReviewThreshold { get; set; }

    /// <summary>Highest decline threshold the cloud may set; unset (default): the larger of the model card's and <c>Decision:DeclineThreshold</c>.</summary>
    [Range(0.0, 1.0)]
    public double? MaxDeclineThreshold { get; set; }

    /// <summary>MQTT keep-alive, in seconds. Default 60; IoT Hub allows at most 1177.</summary>
    [Range(5, 1177)]
    public int KeepAliveSeconds { get; set; } = 60;

    /// <summary>First wait before reconnecting or resending after a failure, in seconds; doubles up to the maximum. Default 1.</summary>
    [Range(0.01, 3600)]
    public double RetryMinDelaySeconds { get; set; } = 1;

    /// <summary>Longest wait between attempts, in seconds. Default 60.</summary>
    [Range(0.01, 3600)]
    public double RetryMaxDelaySeconds { get; set; } = 60;

    /// <summary>How long a send or twin request may wait for the cloud's answer before it counts as failed, in seconds. Default 30.</summary>
    [Range(1, 600)]
    public double SendTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Largest message body, in bytes. IoT Hub takes at most 256 KB a message, properties included; the default
    /// 240000 leaves room for them. Larger messages cost fewer sends (IoT Hub meters in 4 KB blocks either way).
    /// </summary>
    [Range(4096, 261_120)]
    public int MaxMessageBytes { get; set; } = 240_000;

    /// <summary>Most records or snapshots in one message. Default 1000.</summary>
    [Range(1, 100_000)]
    public int MaxItemsPerMessage { get; set; } = 1000;

    /// <summary>
    /// Longest time a record waits for others to share its message, in seconds; a full message
    /// (<see cref="MaxItemsPerMessage"/>) goes at once. Batches of records are compressed, and a few records a message
    /// cost several times what a batch of hundreds costs a record on the wire. Alerts never wait. Default 5; 0 sends as
    /// soon as committed.
    /// </summary>
    [Range(0, 600)]
    public double RecordBatchSeconds { get; set; } = 5;

    /// <summary>
    /// Share of approved payments whose features go to the cloud with their record; every review and decline carries
    /// its features, and the local record keeps all of them. The approvals kept are chosen by a hash of the
    /// transaction id, and each records batch says the rate, so training re-weights the sampled negatives. The 22
    /// features are about a quarter of a record's bytes on the wire. Default 0.1; 1 sends every record's features.
    /// </summary>
    [Range(0.0, 1.0)]
    public double FeatureSampleRate { get; set; } = 0.1;

    /// <summary>
    /// Most messages sent per second, so a backlog drains without taking the node's CPU and disk from the payments
    /// or the uplink's bandwidth; also keeps under IoT Hub's throttles. Default 20.
    /// </summary>
    [Range(0.01, 100_000)]
    public double MaxMessagesPerSecond { get; set; } = 20;

    /// <summary>Most bytes sent per second. Default 1048576 (1 MiB/s, about 8 Mbit/s).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxBytesPerSecond { get; set; } = 1_048_576;

    /// <summary>Seconds between metric snapshots. Default 60. The device twin can change it.</summary>
    [Range(1, 86_400)]
    public double MetricsIntervalSeconds { get; set; } = 60;

    /// <summary>Snapshots kept in memory for the <c>GetTelemetry</c> method. Default 60.</summary>
    [Range(1, 10_000)]
    public int MetricsHistory { get; set; } = 60;

    /// <summary>
    /// Most unsent data kept for the cloud, in bytes as it will be sent (records estimated from their encoded size).
    /// Past it <see cref="BufferFullPolicy"/> decides what is dropped. Default 1073741824 (1 GiB). The twin can change it.
    /// </summary>
    [Range(10_000, long.MaxValue)]
    public long BufferMaxBytes { get; set; } = 1_073_741_824;

    /// <summary>Unsent data older than this, in hours, is dropped (and counted). Default 168 (7 days). The twin can change it.</summary>
    [Range(0.001, 87_600)]
    public double BufferMaxAgeHours { get; set; } = 168;

    /// <summary>What is dropped first when the buffer is full. Default <c>DropMetricsFirst</c>. The twin can change it.</summary>
    public BufferFullPolicy BufferFullPolicy { get; set; } = BufferFullPolicy.DropMetricsFirst;

    /// <summary>Seconds between checks of the buffer's limits and of the record's retention. Default 5.</summary>
    [Range(0.1, 3600)]
    public double MaintenanceIntervalSeconds { get; set; } = 5;

    /// <summary>Seconds between reported-property updates when nothing else changed. Default 300.</summary>
    [Range(5, 86_400)]
    public double ReportIntervalSeconds { get; set; } = 300;

    /// <summary>
    /// Most bytes a model assigned from the cloud (desired property <c>model</c> as an object) may take, card and model
    /// file together; a larger download is cut off and refused. Default 67108864 (64 MiB).
    /// </summary>
    [Range(4096, 4_294_967_296)]
    public long ModelDownloadMaxBytes { get; set; } = 67_108_864;

    /// <summary>Longest a download of an assigned model may take, card and model file together, in seconds. Default 120.</summary>
    [Range(1, 3600)]
    public double ModelDownloadTimeoutSeconds { get; set; } = 120;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryMaxDelaySeconds < RetryMinDelaySeconds)
        {
            yield return new ValidationResult("Cloud:RetryMaxDelaySeconds must not be below Cloud:RetryMinDelaySeconds.", [nameof(RetryMaxDelaySeconds)]);
        }

        if (Transport == CloudTransportKind.Mqtt && string.IsNullOrWhiteSpace(Host))
        {
            yield return new ValidationResult("Cloud:Host is required when Cloud:Transport is Mqtt.", [nameof(Host)]);
        }

        if (Transport == CloudTransportKind.Mqtt && !UseTls && !AllowInsecure && !IsLoopback(Host))
        {
            yield return new ValidationResult(
                $"Cloud:Host is {Host}, not a loopback address, and Cloud:UseTls is false: records and control messages would cross the network in clear. "
                + "Set Cloud:UseTls=true (with Cloud:TrustedCertificatesPath for a private broker), or Cloud:AllowInsecure=true to accept plaintext.",
                [nameof(UseTls), nameof(AllowInsecure)]);
        }

        if (!string.IsNullOrWhiteSpace(ControlKeyFile) && !File.Exists(ControlKeyFile))
        {
            yield return new ValidationResult($"Cloud:ControlKeyFile names {ControlKeyFile}, which does not exist.", [nameof(ControlKeyFile)]);
        }

        if (Transport == CloudTransportKind.IoTHub)
        {
            string? problem = null;
            try
            {
                IoTHubSettings.Resolve(this, Environment.GetEnvironmentVariable);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or System.Security.Cryptography.CryptographicException)
            {
                problem = ex.Message;
            }

            if (problem is not null)
            {
                yield return new ValidationResult("Cloud:ConnectionString: " + problem, [nameof(ConnectionString)]);
            }
        }
    }

    /// <summary>What <see cref="AllowInsecure"/> lets through with these options, for the start-up warning; null when nothing.</summary>
    public string? InsecureUse()
    {
        if (!AllowInsecure || Transport != CloudTransportKind.Mqtt)
        {
            return null;
        }

        var plaintext = !UseTls && !IsLoopback(Host) ? $"the uplink to {Host} is plaintext" : null;
        var unsigned = string.IsNullOrWhiteSpace(ControlKeyFile) ? "desired properties and methods are accepted unsigned from anyone who may publish on the broker" : null;
        return plaintext is null && unsigned is null ? null : string.Join("; ", new[] { plaintext, unsigned }.Where(p => p is not null));
    }

    private static bool IsLoopback(string? host) => MqttClientSetup.IsLoopbackHost(host);
}
