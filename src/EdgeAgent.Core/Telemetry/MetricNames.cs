namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// Instrument names of the pipeline, in OpenTelemetry's dotted form. The Prometheus exporter turns dots into
/// underscores, appends the unit (<c>_seconds</c>, <c>_bytes</c>) and <c>_total</c> for counters:
/// <c>edgeagent.payments.received</c> is scraped as <c>edgeagent_payments_received_total</c>.
/// </summary>
public static class MetricNames
{
    public const string PaymentsReceived = "edgeagent.payments.received";
    public const string PaymentsScored = "edgeagent.payments.scored";
    public const string PaymentsRejected = "edgeagent.payments.rejected";
    public const string RejectionReasons = "edgeagent.payments.rejected.reasons";
    public const string PaymentsDuplicates = "edgeagent.payments.duplicates";
    public const string MessagesAcknowledged = "edgeagent.messages.acknowledged";
    public const string AnswersPublished = "edgeagent.answers.published";
    public const string AnswersFailed = "edgeagent.answers.failed";
    public const string ModelErrors = "edgeagent.model.errors";
    public const string PersistFailures = "edgeagent.persist.failures";
    public const string InferenceExecutions = "edgeagent.inference.executions";
    public const string InferenceRows = "edgeagent.inference.rows";
    public const string ShadowRows = "edgeagent.shadow.rows";
    public const string ShadowAgreements = "edgeagent.shadow.agreements";
    public const string ShadowErrors = "edgeagent.shadow.errors";
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
