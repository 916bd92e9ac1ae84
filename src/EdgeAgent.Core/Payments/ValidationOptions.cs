using System.ComponentModel.DataAnnotations;
using EdgeAgent.Core.Payments.Encryption;

namespace EdgeAgent.Core.Payments;

/// <summary>Limits a payment must respect (configuration section <c>Validation</c>).</summary>
public sealed class ValidationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Validation";

    /// <summary>Largest payload accepted, in bytes. Default 8192: a payment is a few hundred bytes.</summary>
    [Range(256, 262_144)]
    public int MaxPayloadBytes { get; set; } = 8192;

    /// <summary>Largest amount accepted, in the currency's major unit. Default 1,000,000: larger is a keying error.</summary>
    [Range(1, 1_000_000_000)]
    public decimal MaxAmount { get; set; } = 1_000_000m;

    /// <summary>How far a timestamp may lie ahead of the agent's clock. Default 5 minutes (terminal clock drift).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How old a payment may be. Default off (<c>null</c>): terminals that were offline forward stored payments
    /// later, and the demo replays a labelled history.
    /// </summary>
    public TimeSpan? MaxEventAge { get; set; }

    /// <summary>Longest MQTT 5 response topic accepted, in characters. Default 256: a terminal's own prefix and a short suffix.</summary>
    [Range(16, 65535)]
    public int MaxResponseTopicLength { get; set; } = 256;

    /// <summary>
    /// Where a payment's response topic may point, besides the terminal's own decisions topic: a prefix with <c>{root}</c>,
    /// <c>{store}</c> and <c>{terminal}</c> taken from the payment's own topic, followed by at least one more level. Default
    /// <c>{root}/{store}/{terminal}/responses/</c>, the same space the shipped broker ACLs let the terminal read: its answers
    /// are never sent to another terminal's topics, to its payments topic, or anywhere else on the broker.
    /// </summary>
    [Required]
    public string ResponseTopicPrefix { get; set; } = "{root}/{store}/{terminal}/responses/";

    /// <summary>Largest MQTT 5 correlation data accepted (it is returned with the answer and kept with the record), in bytes. Default 128.</summary>
    [Range(0, 4096)]
    public int MaxCorrelationDataBytes { get; set; } = 128;

    /// <summary>Most MQTT 5 user properties on a payment. Default 16; they are ignored, never kept.</summary>
    [Range(0, 1024)]
    public int MaxUserProperties { get; set; } = 16;

    /// <summary>Largest total size of a payment's MQTT 5 user properties (names and values), in bytes. Default 1024.</summary>
    [Range(0, 65535)]
    public int MaxUserPropertyBytes { get; set; } = 1024;

    /// <summary>
    /// MQTT 5 content types a payment may declare, besides <c>application/json</c> (with or without <c>; charset=utf-8</c>),
    /// which is always accepted, as is no content type at all. Default none.
    /// </summary>
    public string[] ExtraContentTypes { get; set; } = [];

    /// <summary>
    /// Where a card number in clear (digits in <c>pan</c>) is accepted; one encrypted to the node's key (a JWE) is accepted
    /// on every path. Default <see cref="ClearPanMode.Loopback"/>: only from a terminal the embedded broker sees on a
    /// loopback address, or through an external broker reached on a loopback address. <see cref="ClearPanMode.Refuse"/>
    /// wherever a broker between terminal and agent may keep messages on disk (mosquitto's persistence, PCI DSS 3.5.1):
    /// the shipped mosquitto deployments set it. A refusal is answered <c>pan_clear_refused</c>.
    /// </summary>
    [EnumDataType(typeof(ClearPanMode))]
    public ClearPanMode ClearPan { get; set; } = ClearPanMode.Loopback;
}
