namespace EdgeAgent.Core.Payments;

/// <summary>
/// Everything of a message around its card number, where that number must not appear a second time: the payload outside
/// the <c>pan</c> value, the topic, and the MQTT 5 response topic and correlation data.
/// </summary>
internal readonly ref struct MessageAround(
    ReadOnlySpan<byte> payload, int panStart, int panLength, string topic, string? responseTopic, ReadOnlySpan<byte> correlationData)
{
    public ReadOnlySpan<byte> Payload { get; } = payload;

    /// <summary>Where the <c>pan</c> value's raw bytes start in <see cref="Payload"/>.</summary>
    public int PanStart { get; } = panStart;

    /// <summary>How many raw bytes the <c>pan</c> value takes in <see cref="Payload"/>.</summary>
    public int PanLength { get; } = panLength;

    public string Topic { get; } = topic;

    public string? ResponseTopic { get; } = responseTopic;

    public ReadOnlySpan<byte> CorrelationData { get; } = correlationData;
}
