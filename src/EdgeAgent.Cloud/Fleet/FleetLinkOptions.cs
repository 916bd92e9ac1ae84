using System.ComponentModel.DataAnnotations;
using EdgeAgent.Shared.Mqtt;

namespace EdgeAgent.Cloud.Fleet;

/// <summary>The store's link to the fleet service (section "Fleet"); off while <see cref="Host"/> is empty. Validated at start.</summary>
public sealed class FleetLinkOptions : IValidatableObject
{
    public const string Section = "Fleet";

    /// <summary>The section's name, as every options class of the agent names it.</summary>
    public const string SectionName = Section;

    /// <summary>The uplink broker the fleet reads (a generic MQTT 5 broker; mosquitto in tests). Empty: no fleet, local history only.</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>This store's login at the uplink broker; the broker's ACL makes it the store's identity.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// TLS to the uplink broker, its certificate checked against <see cref="TrustedCertificatesPath"/> or the system roots.
    /// Default true; false is accepted only for a loopback <see cref="Host"/> or with <see cref="AllowInsecure"/>.
    /// </summary>
    public bool UseTls { get; set; } = true;

    /// <summary>PEM bundle of the certificates the broker's chain must end in (the fleet's own authority), instead of the system roots.</summary>
    public string? TrustedCertificatesPath { get; set; }

    /// <summary>
    /// This store's client certificate (PEM with <see cref="CertificateKeyPath"/>, or PKCS#12), for a broker that takes
    /// the certificate's name as the store's identity (mosquitto's <c>use_identity_as_username</c>, the Azure Event Grid
    /// MQTT broker's certificate authentication) instead of <see cref="Username"/> and <see cref="Password"/>.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="CertificatePath"/> when that file holds only the certificate.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>Accepts a plaintext link to a broker beyond loopback. Default false; when true the agent warns at every start.</summary>
    public bool AllowInsecure { get; set; }

    /// <summary>This store's id: its topics are <c>{TopicRoot}/{StoreId}/…</c> and the fleet checks it against the login.</summary>
    [RegularExpression("^[A-Za-z0-9._:-]{1,64}$")]
    public string? StoreId { get; set; }

    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[A-Za-z0-9_./-]+$")]
    public string TopicRoot { get; set; } = "edgeagent/fleet";

    /// <summary>How long a payment of a card with no profile waits for the fleet's answer before it is scored on local history. Default 20 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan FetchBudget { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long a payment's delta waits to share a message with the others of that time: the agent commits its record
    /// into LiteDB at this interval while the link is on (unless <c>Pipeline:RecordIntervalMilliseconds</c> is set), and
    /// the outbox sends each commit's deltas at once, so a payment reaches the fleet about this long after its
    /// acknowledgement. Also how often the link retries what is waiting. Zero sends only when asked (tests). Default
    /// 100 ms: store A to store B p99 150 ms at 50 payments/s, against 249 ms at 200 ms, for 6 more bytes a payment
    /// (docs/fleet.md).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Most deltas in one uplink message. Default 256.</summary>
    [Range(1, 4096)]
    public int MaxBatchDeltas { get; set; } = 256;

    /// <summary>Most deltas waiting for the link; beyond it the oldest are dropped and counted. Default 200,000.</summary>
    [Range(1, 10_000_000)]
    public int MaxOutbox { get; set; } = 200_000;

    /// <summary>How long a sent batch waits for the fleet's receipt before it is sent again. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ReceiptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>What <see cref="AllowInsecure"/> lets through with these options, for the start-up warning; null when nothing.</summary>
    public string? InsecureUse() =>
        Enabled && AllowInsecure && !UseTls && !MqttClientSetup.IsLoopbackHost(Host) ? $"the fleet link to {Host} is plaintext" : null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && string.IsNullOrWhiteSpace(StoreId))
        {
            yield return new ValidationResult("The field StoreId is required when Fleet:Host is set.", [nameof(StoreId)]);
        }

        if (Enabled && !UseTls && !AllowInsecure && !MqttClientSetup.IsLoopbackHost(Host))
        {
            yield return new ValidationResult(
                $"Fleet:Host is {Host}, not a loopback address, and Fleet:UseTls is false: the store's login and its card deltas would cross the network in clear. "
                + "Set Fleet:UseTls=true (with Fleet:TrustedCertificatesPath for the fleet's own authority), or Fleet:AllowInsecure=true to accept plaintext.",
                [nameof(UseTls), nameof(AllowInsecure)]);
        }

        foreach (var (path, name) in new[] { (TrustedCertificatesPath, nameof(TrustedCertificatesPath)), (CertificatePath, nameof(CertificatePath)), (CertificateKeyPath, nameof(CertificateKeyPath)) })
        {
            if (Enabled && !string.IsNullOrWhiteSpace(path) && !File.Exists(path))
            {
                yield return new ValidationResult($"Fleet:{name} names {path}, which does not exist.", [name]);
            }
        }

        if (!string.IsNullOrWhiteSpace(CertificateKeyPath) && string.IsNullOrWhiteSpace(CertificatePath))
        {
            yield return new ValidationResult("Fleet:CertificateKeyPath needs Fleet:CertificatePath (the certificate it is the key of).", [nameof(CertificateKeyPath)]);
        }
    }
}
