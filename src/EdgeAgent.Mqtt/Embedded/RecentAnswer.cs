namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// One answer as it was published: the topic it went to, the correlation data it carried, its exact bytes (a terminal
/// that gets it twice gets the same bytes twice), and when it was given.
/// </summary>
public sealed record RecentAnswer(string Topic, byte[]? CorrelationData, byte[] Payload, DateTimeOffset AnsweredAt);
