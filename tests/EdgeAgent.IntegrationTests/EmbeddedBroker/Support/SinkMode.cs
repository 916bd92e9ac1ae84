namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

internal enum SinkMode
{
    /// <summary>Record, publish the answer, acknowledge.</summary>
    Answer,

    /// <summary>Record and acknowledge, but the answer never goes out (the agent died between the two).</summary>
    RecordOnly,

    /// <summary>Neither answer nor acknowledge (the agent died before the record).</summary>
    Hold,

    /// <summary>
    /// As the record loop does with a commit group: payments gathered <see cref="EchoSink.GroupSize"/> at a time, every
    /// answer published, then each answer awaited and each payment acknowledged, in arrival order.
    /// </summary>
    Group,
}
