namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// Instrument names of the pipeline, in OpenTelemetry's dotted form. The Prometheus exporter turns dots into
/// underscores, appends the unit (<c>_seconds</c>, <c>_bytes</c>) and <c>_total</c> for counters:
/// <c>edgeagent.payments.received</c> is scraped as <c>edgeagent_payments_received_total</c>.
/// </summary>
public static class MetricNames
{
    /// <summary>Messages taken from the payments topics, refused ones included.</summary>
    public const string PaymentsReceived = "edgeagent.payments.received";
    /// <summary>Payments the model (or the fallback) decided, by <see cref="DecisionTag"/>.</summary>
    public const string PaymentsScored = "edgeagent.payments.scored";
    /// <summary>Payments refused before scoring.</summary>
    public const string PaymentsRejected = "edgeagent.payments.rejected";
    /// <summary>Refusal reasons, by <see cref="CodeTag"/>: a refused payment may have several.</summary>
    public const string RejectionReasons = "edgeagent.payments.rejected.reasons";
    /// <summary>Repeats of a transaction id answered with the first answer.</summary>
    public const string PaymentsDuplicates = "edgeagent.payments.duplicates";
    /// <summary>PUBACKs sent, each after its outcome was on record.</summary>
    public const string MessagesAcknowledged = "edgeagent.messages.acknowledged";
    /// <summary>Answers published to terminals.</summary>
    public const string AnswersPublished = "edgeagent.answers.published";
    /// <summary>Answers the transport could not publish.</summary>
    public const string AnswersFailed = "edgeagent.answers.failed";
    /// <summary>Batches the model failed on, decided by the fallback instead.</summary>
    public const string ModelErrors = "edgeagent.model.errors";
    /// <summary>Commits of the record that failed and were retried.</summary>
    public const string PersistFailures = "edgeagent.persist.failures";
    /// <summary>ONNX Runtime runs, one per batch.</summary>
    public const string InferenceExecutions = "edgeagent.inference.executions";
    /// <summary>Rows scored by those runs.</summary>
    public const string InferenceRows = "edgeagent.inference.rows";
    /// <summary>Rows the shadow model scored beside the live one.</summary>
    public const string ShadowRows = "edgeagent.shadow.rows";
    /// <summary>Shadow rows whose decision matched the live model's.</summary>
    public const string ShadowAgreements = "edgeagent.shadow.agreements";
    /// <summary>Batches the shadow model failed on; the live answers are unaffected.</summary>
    public const string ShadowErrors = "edgeagent.shadow.errors";
    /// <summary>Seconds each stage of the pipeline took, by <see cref="StageTag"/>.</summary>
    public const string StageDuration = "edgeagent.stage.duration";

    /// <summary>Tag of <see cref="StageDuration"/>: the stage's name from <see cref="PipelineStageNames"/>.</summary>
    public const string StageTag = "stage";

    /// <summary>Tag of <see cref="PaymentsScored"/>: <c>approve</c>, <c>review</c> or <c>decline</c>.</summary>
    public const string DecisionTag = "decision";

    /// <summary>Card numbers decrypted, by the node key that decrypted them (<see cref="KeyTag"/>).</summary>
    public const string PanDecrypted = "edgeagent.pan.decrypted";

    /// <summary>Tag of <see cref="PanDecrypted"/>: <c>current</c>, or <c>previous</c> while a rotation keeps the old key.</summary>
    public const string KeyTag = "key";

    /// <summary>Tag of <see cref="RejectionReasons"/>: a code of <see cref="Payments.ValidationCodes"/>.</summary>
    public const string CodeTag = "code";
}
