namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// The stages a payment passes through, each timed. Names follow Triton's latency metrics where they match
/// (queue, compute_infer) so that dashboards built for either read alike.
/// </summary>
public enum PipelineStage
{
    /// <summary>From receipt to the scoring loop taking the message (waiting behind earlier messages).</summary>
    IngestWait = 0,

    /// <summary>Parsing, validation, tokenization, duplicate check and features, per message.</summary>
    ValidateAndFeatures,

    /// <summary>One model run, per batch.</summary>
    Inference,

    /// <summary>From the end of scoring to the recording loop taking the batch.</summary>
    Queue,

    /// <summary>One LiteDB transaction, per batch of outcomes.</summary>
    Persist,

    /// <summary>Publishing the answers of a batch until the broker took them.</summary>
    Answer,

    /// <summary>Receipt to answer published, per message.</summary>
    Total,
}
