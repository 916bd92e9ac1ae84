namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

internal enum SinkMode
{
    /// <summary>Record, publish the answer, acknowledge.</summary>
    Answer,

    /// <summary>Record and acknowledge, but the answer never goes out (the agent died between the two).</summary>
    RecordOnly,

    /// <summary>Neither answer nor acknowledge (the agent died before the record).</summary>
    Hold,
}
