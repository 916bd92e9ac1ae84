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

    /// <summary>Publishing the answers of a batch until the broker took them (its PUBACK at QoS 1), per batch.</summary>
    Answer,

    /// <summary>From the end of scoring to the commit loop taking the batch.</summary>
    Queue,

    /// <summary>One LiteDB transaction, per group of batches.</summary>
    Persist,

    /// <summary>Receipt to answer sent, per message: what the terminal waits for.</summary>
    Total,

    /// <summary>Receipt to acknowledgement, per message: how long a payment is held before it is safe on record.</summary>
    Acknowledge,
}
