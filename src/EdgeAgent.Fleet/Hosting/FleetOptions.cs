using System.ComponentModel.DataAnnotations;
using EdgeAgent.Shared.Mqtt;

namespace EdgeAgent.Fleet.Hosting;

/// <summary>The fleet service's settings (section "Fleet"), validated at start.</summary>
public sealed class FleetOptions : IValidatableObject
{
    public const string Section = "Fleet";

    /// <summary>Port the silo talks to other silos on.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients (the uplink) connect to.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Address other silos and clients reach this silo at; in a pod, the pod's IP.</summary>
    [Required]
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Redis that holds the membership table and the card profiles (StackExchange.Redis syntax).</summary>
    [Required(AllowEmptyStrings = false)]
    public string RedisConnectionString { get; set; } = "";

    /// <summary>Cluster id: silos with the same id in the same Redis form one cluster.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ClusterId { get; set; } = "edgeagent-fleet";

    /// <summary>Service id: names the persisted state, so it must stay the same across deployments.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ServiceId { get; set; } = "edgeagent-fleet";

    /// <summary>
    /// PEM certificate this silo presents to the other silos and to clients of its gateway (mutual TLS). With
    /// <see cref="SiloKeyFile"/> and <see cref="SiloAuthorityFile"/>; all three or none. Empty: silo traffic in clear,
    /// which only a silo on loopback or with <see cref="AllowPlaintextSilos"/> may run.
    /// </summary>
    public string SiloCertificateFile { get; set; } = "";

    /// <summary>PEM private key of <see cref="SiloCertificateFile"/>.</summary>
    public string SiloKeyFile { get; set; } = "";

    /// <summary>
    /// PEM certificate of the fleet's own certificate authority: a peer silo or gateway client is accepted only with a
    /// certificate it signed (names are not checked: silos come and go on pod addresses).
    /// </summary>
    public string SiloAuthorityFile { get; set; } = "";

    /// <summary>Lets a silo advertised on a non-loopback address run without TLS (a network already encrypted below it). Default false.</summary>
    public bool AllowPlaintextSilos { get; set; }

    /// <summary>True when the silo's connections are TLS.</summary>
    public bool SiloTls => !string.IsNullOrWhiteSpace(SiloCertificateFile);

    /// <summary>Most deltas in one batch; a larger batch is refused whole. Default 512, an agent's per-card history.</summary>
    [Range(1, 4096)]
    public int MaxBatchDeltas { get; set; } = 512;

    /// <summary>How far ahead of the fleet's clock an event time may be (terminal clocks drift). Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest amount accepted; beyond it a delta is refused as corrupt. Default 1,000,000.</summary>
    [Range(1.0, 1e12)]
    public double MaxAmount { get; set; } = 1_000_000;

    /// <summary>Most store slots per card; a card seen in more stores within a week is refused new slots. Default 256.</summary>
    [Range(1, 100_000)]
    public int MaxStoresPerCard { get; set; } = 256;

    /// <summary>Shortest time between two log lines for the same refusal reason. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RefusalLogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The uplink broker's host: the fleet reads the stores' deltas there and pushes profiles back. Empty: no uplink.</summary>
    public string UplinkHost { get; set; } = "";

    /// <summary>The uplink broker's port.</summary>
    [Range(1, 65535)]
    public int UplinkPort { get; set; } = 1883;

    /// <summary>The fleet's user name at the uplink broker (the one allowed to read every store's deltas).</summary>
    public string UplinkUsername { get; set; } = "";

    /// <summary>The fleet's password at the uplink broker.</summary>
    public string UplinkPassword { get; set; } = "";

    /// <summary>
    /// TLS to the uplink broker, its certificate checked against <see cref="UplinkTrustedCertificatesPath"/> or the
    /// system roots. Default true; false is accepted only for a loopback <see cref="UplinkHost"/> or with
    /// <see cref="UplinkAllowInsecure"/>.
    /// </summary>
    public bool UplinkUseTls { get; set; } = true;

    /// <summary>PEM bundle of the certificates the uplink broker's chain must end in, instead of the system roots.</summary>
    public string UplinkTrustedCertificatesPath { get; set; } = "";

    /// <summary>The fleet's client certificate at the uplink broker (PEM with <see cref="UplinkCertificateKeyPath"/>, or PKCS#12), for a broker that takes the certificate's name as the login.</summary>
    public string UplinkCertificatePath { get; set; } = "";

    /// <summary>PEM private key of <see cref="UplinkCertificatePath"/> when that file holds only the certificate.</summary>
    public string UplinkCertificateKeyPath { get; set; } = "";

    /// <summary>Accepts a plaintext uplink to a broker beyond loopback. Default false.</summary>
    public bool UplinkAllowInsecure { get; set; }

    /// <summary>Root of the uplink topics: <c>{root}/{store}/deltas</c>, <c>{root}/{store}/fetch</c>, <c>{root}/{store}/profiles</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[A-Za-z0-9_./-]+$")]
    public string UplinkTopicRoot { get; set; } = "edgeagent/fleet";

    /// <summary>Shared-subscription group the silos read the uplink in, so each message goes to one silo.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[A-Za-z0-9_-]+$")]
    public string UplinkShareGroup { get; set; } = "fleet";

    /// <summary>Largest uplink message read; a larger one is refused whole (<c>oversized</c>). Default 256 KiB.</summary>
    [Range(64, 16 * 1024 * 1024)]
    public int MaxUplinkMessageBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Most first-sight fetches one silo answers at once (each a grain read, and for a card not active a Redis read);
    /// the next waits for a slot (<c>edgeagent_fleet_fetch_waits_total</c>). Default 256.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxFetchesInFlight { get; set; } = 256;

    /// <summary>The stores of this fleet; a message from any other is refused (<c>unknown_store</c>). Required with an uplink.</summary>
    public string[] KnownStores { get; set; } = [];

    /// <summary>
    /// Fingerprints (16 hex characters) of the fleet's tokenization keys: the current one, and during a rotation the
    /// previous one too. Tokens made with another key are refused (<c>foreign_key</c>). Required with an uplink.
    /// </summary>
    public string[] KeyFingerprints { get; set; } = [];

    /// <summary>
    /// Root of the agents' cloud telemetry topics: the fleet reads <c>{root}/{store}/metrics</c>, the agent's
    /// <c>Cloud:Topic</c> (<c>edgeagent/{clientId}/{type}</c>) with the store id as its client id and broker login, and
    /// <c>{root}/{store}/reported</c>, its <c>Cloud:ReportedTopic</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[A-Za-z0-9_./-]+$")]
    public string TelemetryTopicRoot { get; set; } = "edgeagent";

    /// <summary>The agents' snapshot interval (their <c>Cloud:MetricsIntervalSeconds</c>), for stores not heard from yet. Default 60 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A store is offline when no snapshot came within this many of its intervals. Default 3.</summary>
    [Range(1, 100)]
    public int OfflineAfterIntervals { get; set; } = 3;

    /// <summary>Lowest alert rate (review + decline share) in band when a snapshot carries no model-card band. Default 0.005.</summary>
    [Range(0.0, 1.0)]
    public double AlertRateBandLow { get; set; } = 0.005;

    /// <summary>Highest alert rate in band when a snapshot carries no model-card band. Default 0.15.</summary>
    [Range(0.0, 1.0)]
    public double AlertRateBandHigh { get; set; } = 0.15;

    /// <summary>Fewest scored payments in a snapshot for its alert rate to be judged against the band. Default 20.</summary>
    [Range(1, 1_000_000)]
    public int MinScoredForAlertRate { get; set; } = 20;

    /// <summary>A store's p99 (whole path) above this is out of band. Default 250 ms.</summary>
    [Range(1.0, 600_000.0)]
    public double P99LimitMs { get; set; } = 250;

    /// <summary>Port of this silo's HTTP endpoint (<c>/metrics</c>, <c>/api/stores</c>, <c>/api/status</c>, the fleet page). 0: none. Default 8090.</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 8090;

    /// <summary>Address the HTTP endpoint listens on. Default 127.0.0.1; <c>0.0.0.0</c> in a pod.</summary>
    [Required]
    public string HttpAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// A file holding the bearer token of the API and the page's data (at least 32 characters), read again when it
    /// changes. Unset: the API answers 401. <c>/metrics</c> stays open, as the agent's.
    /// </summary>
    public string ApiTokenFile { get; set; } = "";

    /// <summary>How often the fleet page reloads the view. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:10:00")]
    public TimeSpan PageRefresh { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a rollout ring runs the new model before its health gate may promote it. Default 30 minutes: long
    /// enough for several snapshot intervals of payments at the ring's stores.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RolloutSoak { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long after the soak a ring's gate waits for a store that is offline or does not show the new version yet
    /// before it fails (and the rollout rolls back). Default 30 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RolloutGateTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Fewest payments the assigned stores must have scored on the new version since a ring was assigned for its gate to
    /// pass; until then the gate waits (up to <see cref="RolloutGateTimeout"/> after the soak). Default 200.
    /// </summary>
    [Range(0, 100_000_000)]
    public long RolloutMinScored { get; set; } = 200;

    /// <summary>Share of the fleet's stores in the second ring, the canary counted (at least one store more). Default 25.</summary>
    [Range(1, 99)]
    public int RolloutSharePercent { get; set; } = 25;

    /// <summary>How often each silo moves the rollout on (gate judged) and publishes the desired documents it owes. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RolloutCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A folder of model cards and files the HTTP endpoint serves at <c>/models/{file}</c>, for the agents to download
    /// assigned models from (the card's signature is what they trust, so the files are served without a token). Empty: none.
    /// </summary>
    public string ModelsFolder { get; set; } = "";

    /// <summary>
    /// A folder of the stores' control keys, <c>{store}.key</c> (base64 of at least 32 bytes, the agent's
    /// <c>Cloud:ControlKeyFile</c>): the fleet signs each store's desired document with it. Empty: no rollout can start.
    /// </summary>
    public string ControlKeysFolder { get; set; } = "";

    /// <summary>The agents' desired-properties topic (their <c>Cloud:DesiredTopic</c>), <c>{store}</c> for the store id.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[A-Za-z0-9_./{}-]+$")]
    public string DesiredTopic { get; set; } = "edgeagent/{store}/desired";

    private IEnumerable<ValidationResult> SiloTlsProblems()
    {
        string[] files = [SiloCertificateFile, SiloKeyFile, SiloAuthorityFile];
        var set = files.Count(f => !string.IsNullOrWhiteSpace(f));
        if (set is > 0 and < 3)
        {
            yield return new ValidationResult(
                "The fields SiloCertificateFile, SiloKeyFile and SiloAuthorityFile go together: set all three or none.",
                [nameof(SiloCertificateFile)]);
        }

        foreach (var file in files.Where(f => !string.IsNullOrWhiteSpace(f) && !File.Exists(f)))
        {
            yield return new ValidationResult($"The silo TLS file {file} does not exist.", [nameof(SiloCertificateFile)]);
        }

        if (set == 0 && !AllowPlaintextSilos
            && System.Net.IPAddress.TryParse(AdvertisedAddress, out var address) && !System.Net.IPAddress.IsLoopback(address))
        {
            yield return new ValidationResult(
                $"The silo advertises {AdvertisedAddress}, off loopback, without TLS: set SiloCertificateFile, SiloKeyFile and "
                + "SiloAuthorityFile (or AllowPlaintextSilos where the network below is already encrypted).",
                [nameof(SiloCertificateFile)]);
        }
    }

    private IEnumerable<ValidationResult> UplinkTlsProblems()
    {
        if (string.IsNullOrWhiteSpace(UplinkHost))
        {
            yield break;
        }

        if (!UplinkUseTls && !UplinkAllowInsecure && !MqttClientSetup.IsLoopbackHost(UplinkHost))
        {
            yield return new ValidationResult(
                $"The uplink broker {UplinkHost} is not a loopback address and UplinkUseTls is false: the fleet's login, the stores' deltas and the "
                + "profiles would cross the network in clear. Set UplinkUseTls=true (with UplinkTrustedCertificatesPath for a private authority), or UplinkAllowInsecure=true.",
                [nameof(UplinkUseTls)]);
        }

        foreach (var file in new[] { UplinkTrustedCertificatesPath, UplinkCertificatePath, UplinkCertificateKeyPath }.Where(f => !string.IsNullOrWhiteSpace(f) && !File.Exists(f)))
        {
            yield return new ValidationResult($"The uplink TLS file {file} does not exist.", [nameof(UplinkTrustedCertificatesPath)]);
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!System.Net.IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return new ValidationResult("The field AdvertisedAddress must be an IP address.", [nameof(AdvertisedAddress)]);
        }

        if (!System.Net.IPAddress.TryParse(HttpAddress, out _))
        {
            yield return new ValidationResult("The field HttpAddress must be an IP address.", [nameof(HttpAddress)]);
        }

        foreach (var problem in SiloTlsProblems())
        {
            yield return problem;
        }

        foreach (var problem in UplinkTlsProblems())
        {
            yield return problem;
        }

        if (AlertRateBandLow > AlertRateBandHigh)
        {
            yield return new ValidationResult("The field AlertRateBandLow must not be above AlertRateBandHigh.", [nameof(AlertRateBandLow)]);
        }

        if (!string.IsNullOrWhiteSpace(ApiTokenFile) && !File.Exists(ApiTokenFile))
        {
            yield return new ValidationResult($"The field ApiTokenFile names {ApiTokenFile}, which does not exist.", [nameof(ApiTokenFile)]);
        }

        if (!DesiredTopic.Contains("{store}", StringComparison.Ordinal))
        {
            yield return new ValidationResult("The field DesiredTopic must hold {store}.", [nameof(DesiredTopic)]);
        }

        if (!string.IsNullOrWhiteSpace(ModelsFolder) && !Directory.Exists(ModelsFolder))
        {
            yield return new ValidationResult($"The field ModelsFolder names {ModelsFolder}, which does not exist.", [nameof(ModelsFolder)]);
        }

        if (!string.IsNullOrWhiteSpace(ControlKeysFolder) && !Directory.Exists(ControlKeysFolder))
        {
            yield return new ValidationResult($"The field ControlKeysFolder names {ControlKeysFolder}, which does not exist.", [nameof(ControlKeysFolder)]);
        }

        if (string.IsNullOrWhiteSpace(UplinkHost))
        {
            yield break;
        }

        if (KnownStores.Length == 0 || !KnownStores.All(Profiles.CardProfileMerge.IsWellFormedId))
        {
            yield return new ValidationResult("The field KnownStores must list the fleet's store ids when UplinkHost is set.", [nameof(KnownStores)]);
        }

        if (KeyFingerprints.Length is 0 or > 2 || !KeyFingerprints.All(f => f.Length == 16 && f.All(Uri.IsHexDigit)))
        {
            yield return new ValidationResult(
                "The field KeyFingerprints must hold one or two tokenization key fingerprints (16 hex characters) when UplinkHost is set.",
                [nameof(KeyFingerprints)]);
        }
    }
}
