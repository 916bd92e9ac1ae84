namespace EdgeAgent.Core.Pipeline;

/// <summary>One message as the transport received it, before anything is known about its contents.</summary>
public sealed class InboundMessage
{
    public required string Topic { get; init; }

    /// <summary>The payload, owned by the pipeline, which wipes it once it is parsed (it may hold a card number).</summary>
    public required byte[] Payload { get; init; }

    /// <summary>The MQTT 5 response topic the sender asked its answer on, if any.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>The MQTT 5 correlation data to return with the answer, if any.</summary>
    public byte[]? CorrelationData { get; init; }

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp of receipt: latencies count from here.</summary>
    public required long ReceivedTimestamp { get; init; }

    /// <summary>Wall-clock time of receipt, for the record.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    public required IMessageSettlement Settlement { get; init; }
}
