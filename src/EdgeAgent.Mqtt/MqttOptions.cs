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

    /// <summary>
    /// Payments the broker may send before the agent acknowledges (MQTT 5 Receive Maximum). Default 4096: a payment is
    /// acknowledged only once its group is on the device, and a device flush can stall for hundreds of milliseconds; the
    /// window must cover that stall at the store's busiest rate, or the broker stops delivering and answers wait with it.
    /// </summary>
    [Range(1, 65535)]
    public int ReceiveMaximum { get; set; } = 4096;

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

    #region Embedded broker: limits, sessions and answers kept for late subscribers

    /// <summary>
    /// Largest MQTT packet accepted, in bytes, fixed header included (the MQTT 5 Maximum Packet Size the embedded broker
    /// advertises in CONNACK). A larger packet is refused from its fixed header, before its body is read: an MQTT 5
    /// client gets DISCONNECT 0x95 (Packet Too Large), an MQTT 3.1.1 client a closed connection; an external broker is told
    /// not to send the agent bigger ones (MQTT 5 Maximum Packet Size in CONNECT), and a payload over it is never copied.
    /// Default 65536: a payment is well under 1 KB, and the limit bounds what one client can make the agent buffer.
    /// </summary>
    [Range(256, 268_435_455)]
    public int MaxPacketBytes { get; set; } = 65_536;

    /// <summary>Most client connections the embedded broker holds at once; more are closed on accept and counted. Default 1000.</summary>
    [Range(1, 1_000_000)]
    public int BrokerMaxConnections { get; set; } = 1000;

    /// <summary>
    /// CONNECTs per second that one remote address (an IPv6 /64) may send to the embedded broker, on average; above it
    /// they get CONNACK 0x9F (Connection rate exceeded) before any credential is checked, so that a reconnect loop or a
    /// flood from one host cannot starve the others. Default 50.
    /// </summary>
    [Range(1, 100_000)]
    public int BrokerConnectionsPerSecondPerAddress { get; set; } = 50;

    /// <summary>
    /// Burst of CONNECTs one remote address may send at once before the per-second rate applies. Default 1000: every
    /// terminal of a store behind one NAT reconnecting together after a power cut.
    /// </summary>
    [Range(1, 100_000)]
    public int BrokerConnectionBurstPerAddress { get; set; } = 1000;

    /// <summary>
    /// Seconds an accepted connection has, TLS handshake included, until its CONNECT is accepted; then it is closed and
    /// counted. It bounds how long a socket without credentials holds a slot. Default 3.
    /// </summary>
    [Range(1, 600)]
    public int BrokerPreAuthTimeoutSeconds { get; set; } = 3;

    /// <summary>
    /// Share of <see cref="BrokerMaxConnections"/>, in percent, that connections which have not authenticated yet may
    /// never hold: when the rest is taken, the oldest unauthenticated one is closed to make room for a new one. Default 20.
    /// </summary>
    [Range(0, 99)]
    public int BrokerAuthenticatedReservePercent { get; set; } = 20;

    /// <summary>
    /// Connections from one remote address (an IPv6 /64) read at once before they authenticate; more wait their turn
    /// within <see cref="BrokerPreAuthTimeoutSeconds"/>. Default 64.
    /// </summary>
    [Range(1, 100_000)]
    public int BrokerPendingConnectionsPerAddress { get; set; } = 64;

    /// <summary>Seconds a new connection has to send its CONNECT packet (after the TLS handshake, if any) before it is closed and counted. Default 10.</summary>
    [Range(1, 600)]
    public int BrokerConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>Seconds a client has to complete the TLS handshake on the embedded broker's TLS listener before it is closed and counted. Default 10.</summary>
    [Range(1, 600)]
    public int BrokerTlsHandshakeTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Shortest keep-alive the embedded broker grants, in seconds. An MQTT 5 client asking for less is told this value
    /// (Server Keep Alive in CONNACK); an MQTT 3.1.1 client is watched at this value while it pings more often.
    /// Default 5.
    /// </summary>
    [Range(1, 65535)]
    public int BrokerKeepAliveMinSeconds { get; set; } = 5;

    /// <summary>
    /// Longest keep-alive the embedded broker grants, in seconds; it is how long a dead connection can hold a slot. An
    /// MQTT 5 client asking for more, or for none (0), is told this value (Server Keep Alive in CONNACK). An MQTT 3.1.1
    /// client, which cannot be told, is refused (CONNACK "identifier rejected", as mosquitto's max_keepalive does).
    /// Default 3600.
    /// </summary>
    [Range(1, 65535)]
    public int BrokerKeepAliveMaxSeconds { get; set; } = 3600;

    /// <summary>
    /// Longest time the embedded broker keeps a disconnected client's session (subscriptions and queued answers), in
    /// seconds. An MQTT 5 client asking for more is told this value (Session Expiry Interval in CONNACK); an MQTT 3.1.1
    /// client without clean session keeps its session this long. Default 86400 (a store closed overnight).
    /// </summary>
    [Range(0, uint.MaxValue)]
    public long BrokerSessionExpiryMaxSeconds { get; set; } = 86_400;

    /// <summary>Most sessions the embedded broker keeps; above it the longest-disconnected ones are deleted and counted. Default 10000.</summary>
    [Range(1, 10_000_000)]
    public int BrokerMaxSessions { get; set; } = 10_000;

    /// <summary>
    /// QoS 1 and 2 PUBLISHes one client may have unacknowledged (MQTT 5 Receive Maximum the embedded broker advertises; an
    /// MQTT 3.1.1 client is held to it too). Each PUBACK waits for its payment's record and answer, in the order the
    /// payments came; past this many the broker reads no further PUBLISH from the connection until the oldest PUBACK goes.
    /// Default 256.
    /// </summary>
    [Range(1, 65535)]
    public int BrokerReceiveMaximum { get; set; } = 256;

    /// <summary>
    /// Messages the embedded broker keeps for one session, connected or not: queued to it, or sent at QoS 1 and not yet
    /// acknowledged. Beyond it the oldest is dropped and counted (an answer owed to the session's terminal stays owed,
    /// <see cref="BrokerOwedAnswersPerClient"/>). Without it, a dashboard on a persistent session that goes away keeps every
    /// answer of the store until its session expires. Default 1000.
    /// </summary>
    [Range(1, 1_000_000)]
    public int BrokerMaxKeptMessagesPerSession { get; set; } = 1000;

    /// <summary>Distinct topic filters one session may hold on the embedded broker; a filter beyond it gets SUBACK 0x97 (Quota exceeded). Default 16.</summary>
    [Range(1, 10_000)]
    public int BrokerMaxSubscriptionsPerSession { get; set; } = 16;

    /// <summary>
    /// Sessions one identity may hold on the embedded broker (client ids <c>{name}</c> and <c>{name}:{suffix}</c>), connected
    /// or not; a CONNECT that would open one more gets CONNACK 0x97 (Quota exceeded), so that one identity's sessions never
    /// crowd out another's. Anonymous local clients share one identity and are bounded only by <see cref="BrokerMaxSessions"/>. Default 8.
    /// </summary>
    [Range(1, 100_000)]
    public int BrokerMaxSessionsPerIdentity { get; set; } = 8;

    /// <summary>Connections one identity may hold open on the embedded broker at once; one more gets CONNACK 0x97 (Quota exceeded). Default 4.</summary>
    [Range(1, 100_000)]
    public int BrokerMaxConnectionsPerIdentity { get; set; } = 4;

    /// <summary>
    /// Answers without a payer (published for no payment of this broker) the embedded broker keeps when no client was
    /// subscribed for them, until a client subscribes to their exact topic; where owed answers are not kept durably, also
    /// how many recent answers are read back from the record at start. The oldest are dropped (and counted) beyond this.
    /// Default 10000.
    /// </summary>
    [Range(0, 1_000_000)]
    public int AnswerRetentionCount { get; set; } = 10_000;

    /// <summary>
    /// How long, in seconds, an undelivered answer is kept for a late subscriber, and how far back the record is read at
    /// start. It must cover a restart and the terminals' reconnection. Default 300.
    /// </summary>
    [Range(1, 86_400)]
    public int AnswerRetentionSeconds { get; set; } = 300;

    /// <summary>
    /// Answers one terminal (client id) may be owed by the embedded broker at once: given to a payment it sent and not yet
    /// acknowledged by it. They are kept in the data folder until it acknowledges them, across restarts; beyond this the
    /// oldest is dropped and counted (a terminal that never subscribes for its answers). It must cover what one terminal
    /// can pay while it is not taking its answers. Default 1000.
    /// </summary>
    [Range(1, 100_000)]
    public int BrokerOwedAnswersPerClient { get; set; } = 1000;

    /// <summary>
    /// Answers the embedded broker may owe in all, to every client together. Beyond it the oldest answer of all is dropped
    /// and counted: clients with a random client id each time (<c>mosquitto_pub</c> without <c>-i</c>) that never subscribe
    /// leave answers no one will ask for, which must not grow the agent's memory and file for two days. Default 50000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int BrokerOwedAnswersTotal { get; set; } = 50_000;

    /// <summary>Hours an answer stays owed to a terminal that never comes back for it; then dropped and counted. Default 48.</summary>
    [Range(1, 8760)]
    public int BrokerOwedAnswerHours { get; set; } = 48;

    /// <summary>
    /// Shortest interval, in seconds, between two log lines about refusals of the same kind; the refusals in between are
    /// counted in the metric and summed in the next line, so a flood cannot flood the log. Default 60.
    /// </summary>
    [Range(1, 86_400)]
    public int RefusalLogIntervalSeconds { get; set; } = 60;

    #endregion

    /// <summary>True when an external broker is configured.</summary>
    public bool UsesExternalBroker => !string.IsNullOrWhiteSpace(Host);

    /// <summary><see cref="ClientId"/>, else one made of the machine's name.</summary>
    public string EffectiveClientId => Shared.Mqtt.MqttClientSetup.ClientId(ClientId);

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

    /// <summary>
    /// Password checks (PBKDF2, <see cref="PasswordFile"/>) the embedded broker runs at once; other CONNECTs with a
    /// password wait up to a second for a turn, then get CONNACK 0x9F without a check. Bounds the CPU a flood of
    /// CONNECTs can take from the payments. Default 2.
    /// </summary>
    [Range(1, 64)]
    public int BrokerPasswordChecksAtOnce { get; set; } = 2;

    /// <summary>
    /// Seconds a verified password is recognised again by a keyed hash instead of PBKDF2 (one per user, in memory only,
    /// under a key made at start), so that terminals reconnecting together do not each pay the full check; 0 turns it
    /// off. Default 600. What it trades: docs/security.md.
    /// </summary>
    [Range(0, 86_400)]
    public int BrokerPasswordCacheSeconds { get; set; } = 600;

    /// <summary>
    /// Longest back-off, in seconds, after wrong passwords for one user name from one address: it starts at 1 s and
    /// doubles; meanwhile that user from that address gets CONNACK 0x9F without a check. Default 60.
    /// </summary>
    [Range(1, 3600)]
    public int BrokerPasswordBackoffMaxSeconds { get; set; } = 60;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var problem in BrokerExposure.Problems(this))
        {
            yield return problem;
        }
    }

    #endregion
}
