namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// One message as the transport received it, before anything is known about its contents. Every field a client
/// controls is carried as received and checked by the pipeline before it is used:
/// a transport only copies, it never trusts.
/// </summary>
public sealed class InboundMessage
{
    /// <summary>The MQTT topic it came on.</summary>
    public required string Topic { get; init; }

    /// <summary>
    /// The payload, handed to the pipeline, which wipes it once it is parsed (it may hold a card number). A transport
    /// hands over the very buffer the message was received into, not a copy, so that wiping it leaves the card number
    /// nowhere in memory. Empty when the transport refused a payload over the size limit: <see cref="ReceivedLength"/>
    /// then says how long it was.
    /// </summary>
    public required Memory<byte> Payload { get; init; }

    /// <summary>Length of the payload as it arrived, which may exceed <see cref="Payload"/>'s when it was not copied.</summary>
    public long ReceivedLength { get; init; } = -1;

    /// <summary>The MQTT 5 response topic the sender asked its answer on, if any.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>The MQTT 5 correlation data to return with the answer, if any.</summary>
    public byte[]? CorrelationData { get; init; }

    /// <summary>The MQTT 5 content type, if the sender gave one.</summary>
    public string? ContentType { get; init; }

    /// <summary>MQTT 5 user properties on the message: how many, and their total size in bytes (names and values).</summary>
    public int UserPropertyCount { get; init; }

    /// <inheritdoc cref="UserPropertyCount"/>
    public int UserPropertyBytes { get; init; }

    /// <summary>QoS the message was published with (0, 1 or 2).</summary>
    public int Qos { get; init; } = 1;

    /// <summary>The retain flag: a payment is never retained.</summary>
    public bool Retain { get; init; }

    /// <summary>The client that published it, when the transport knows (the embedded broker); null otherwise.</summary>
    public string? SenderId { get; init; }

    /// <summary>
    /// Whether the agent saw the message come to it over loopback only, which decides whether a card number in clear is
    /// accepted (<see cref="Payments.ValidationOptions.ClearPan"/>). The embedded broker sets it when the publishing
    /// client is connected from a loopback address; the external-broker path when the broker is reached on a loopback
    /// address (it cannot see the terminal's own hop). False, the refusing side, when a transport does not say.
    /// </summary>
    public bool ArrivedOverLoopback { get; init; }

    /// <summary>Timestamp of receipt on the pipeline's <see cref="TimeProvider"/>: latencies count from here.</summary>
    public required long ReceivedTimestamp { get; init; }

    /// <summary>Wall-clock time of receipt, for the record.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>How the transport is told that the message is on record (its PUBACK).</summary>
    public required IMessageSettlement Settlement { get; init; }

    /// <summary>The payload length to check against limits: as received, else the copy's.</summary>
    public long Length => ReceivedLength >= 0 ? ReceivedLength : Payload.Length;
}
