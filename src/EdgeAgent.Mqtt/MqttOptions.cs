using System.ComponentModel.DataAnnotations;
using EdgeAgent.Mqtt.Security;

namespace EdgeAgent.Mqtt;

/// <summary>How terminals reach the agent (configuration section <c>Mqtt</c>).</summary>
public sealed class MqttOptions : IValidatableObject
{
    public const string SectionName = "Mqtt";

    /// <summary>An external broker's host name. Unset (default): the agent hosts its own broker.</summary>
    public string? Host { get; set; }

    /// <summary>Port of the external broker, or the port the embedded broker listens on. Default 1883.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>Address the embedded broker binds to. Default <c>127.0.0.1</c>; <c>0.0.0.0</c> in the container so terminals can reach it.</summary>
    [Required]
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Client id at the external broker. Keep it stable: the persistent session, and the messages it holds while the agent is away, belong to it. Default <c>edgeagent-{host name}</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Shared-subscription group (<c>$share/{group}/...</c>), only for several agent replicas splitting one broker's payments.
    /// Default empty: a plain subscription in the persistent session, which brokers keep across their own restarts (mosquitto
    /// does not restore shared subscriptions from its persistence file, so payments published while it restarts would
    /// match nothing until the agent resubscribes). See docs/operations.md for what each broker keeps.
    /// </summary>
    public string SharedGroup { get; set; } = "";

    /// <summary>User name at the external broker, or the one terminals must give the embedded broker. Unset: anonymous.</summary>
    public string? Username { get; set; }

    /// <summary>Password that goes with <see cref="Username"/>; put it in a secret, not in a file under version control.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// TLS to the external broker. Default off; required when <see cref="Host"/> is not a loopback address, unless
    /// <see cref="AllowInsecure"/>. The broker's certificate is checked against <see cref="CaPath"/> (or the system roots).
    /// </summary>
    public bool UseTls { get; set; }

    /// <summary>How long the external broker keeps the session (and queues payments) while the agent is away, in seconds. Default 604800 (7 days).</summary>
    [Range(0, uint.MaxValue)]
    public long SessionExpirySeconds { get; set; } = 604_800;

    /// <summary>Payments the broker may send before the agent acknowledges (MQTT 5 Receive Maximum). Default 256.</summary>
    [Range(1, 65535)]
    public int ReceiveMaximum { get; set; } = 256;

    /// <summary>MQTT keep-alive in seconds. Default 15.</summary>
    [Range(1, 3600)]
    public int KeepAliveSeconds { get; set; } = 15;

    /// <summary>TCP buffer of the client, in bytes. Default 262144: the library's 8 KB default stalled loopback runs at random.</summary>
    [Range(4096, 16_777_216)]
    public int TcpBufferBytes { get; set; } = 262_144;

    /// <summary>QoS of answers to terminals: 0 or 1. Default 1.</summary>
    [Range(0, 1)]
    public int AnswerQos { get; set; } = 1;

    /// <summary>
    /// Most answers awaiting the broker's PUBACK at once. 0 (default) takes the broker's own Receive Maximum from
    /// its CONNACK (mosquitto's default is 20); a positive value caps it further.
    /// </summary>
    [Range(0, 65535)]
    public int MaxInFlightAnswers { get; set; }

    /// <summary>First wait before reconnecting to the external broker, in seconds; it doubles up to <see cref="ReconnectMaxDelaySeconds"/>. Default 1.</summary>
    [Range(0.01, 3600)]
    public double ReconnectMinDelaySeconds { get; set; } = 1;

    /// <summary>Longest wait between reconnection attempts, in seconds. Default 30.</summary>
    [Range(0.01, 3600)]
    public double ReconnectMaxDelaySeconds { get; set; } = 30;

    /// <summary>
    /// Largest MQTT packet accepted, in bytes: the embedded broker refuses bigger ones before reading them (MQTT 5 clients are
    /// told it in CONNACK and disconnected with 0x95 Packet Too Large), and the agent tells an external broker not to send
    /// it bigger ones (MQTT 5 Maximum Packet Size). Default 65536: a payment is a few hundred bytes.
    /// </summary>
    [Range(1024, 268_435_455)]
    public int MaxPacketBytes { get; set; } = 65_536;

    /// <summary>True when an external broker is configured.</summary>
    public bool UsesExternalBroker => !string.IsNullOrWhiteSpace(Host);

    public string EffectiveClientId => string.IsNullOrWhiteSpace(ClientId) ? "edgeagent-" + Environment.MachineName : ClientId;

    #region Security: TLS, terminal identities, the exposure rule

    /// <summary>
    /// Accepts what is unsafe beyond loopback: a plaintext or unauthenticated embedded broker on a non-loopback
    /// <see cref="BindAddress"/> (anonymous terminals may then act as any terminal), and a plaintext connection to a
    /// non-loopback external broker. Default false; when true the agent logs a warning at every start.
    /// </summary>
    public bool AllowInsecure { get; set; }

    /// <summary>
    /// Whether clients without credentials may use the embedded broker where that is allowed at all: on a loopback
    /// <see cref="BindAddress"/> (or with <see cref="AllowInsecure"/>). Default true, so that the quick start and local
    /// tools work with no setup; such clients may act as any terminal.
    /// </summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>Port of the embedded broker's TLS listener, opened when <see cref="ServerCertificatePath"/> is set. Default 8883.</summary>
    [Range(1, 65535)]
    public int TlsPort { get; set; } = 8883;

    /// <summary>
    /// The embedded broker's TLS certificate: PEM (chain allowed, key in <see cref="ServerKeyPath"/> or inline) or
    /// PKCS#12. Setting it opens the TLS listener on <see cref="TlsPort"/>. Unset by default. A mounted secret.
    /// </summary>
    public string? ServerCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="ServerCertificatePath"/> when that file holds only the certificate. A mounted secret.</summary>
    public string? ServerKeyPath { get; set; }

    /// <summary>
    /// The store CA (PEM): the embedded broker accepts client certificates that chain to it, and the agent checks an
    /// external broker's certificate against it instead of the system roots. Unset by default.
    /// </summary>
    public string? CaPath { get; set; }

    /// <summary>
    /// With <see cref="CaPath"/> set, whether every TLS client must present a certificate (mutual TLS). Default true;
    /// false lets terminals with a password (<see cref="PasswordFile"/>) connect over TLS without one.
    /// </summary>
    public bool RequireClientCertificate { get; set; } = true;

    /// <summary>
    /// Per-terminal credentials for the embedded broker: a mosquitto password file (<c>user:$7$…</c>, PBKDF2-SHA512, as
    /// <c>mosquitto_passwd</c> writes it), so one file serves both brokers. Unset by default.
    /// </summary>
    public string? PasswordFile { get; set; }

    /// <summary>
    /// Who each authenticated identity is: the file mapping a certificate's common name or a user name to the store and
    /// terminal it may be, or to the operator role (format: docs/security.md). Required with client authentication.
    /// </summary>
    public string? IdentitiesFile { get; set; }

    /// <summary>PEM client certificate the agent presents to an external broker (with <see cref="ClientKeyPath"/>), or PKCS#12. Unset by default.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="ClientCertificatePath"/> when not in the same file. A mounted secret.</summary>
    public string? ClientKeyPath { get; set; }

    /// <summary>Name the external broker's certificate must carry, when it differs from <see cref="Host"/>. Default: <see cref="Host"/>.</summary>
    public string? TlsServerName { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => BrokerExposure.Problems(this);

    #endregion
}
