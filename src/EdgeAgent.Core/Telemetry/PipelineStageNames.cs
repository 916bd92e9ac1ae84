namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// The names of the stages outside the process: the <c>stage</c> label in /metrics, the keys in /status and in
/// the snapshots sent to the cloud. One table, so that a dashboard finds a stage under one name everywhere. Where a
/// stage means what one of Triton's latency metrics means, it carries Triton's name (<c>queue</c>,
/// <c>compute_input</c>, <c>compute_infer</c>, <c>request</c>), so dashboards built for either read alike.
/// </summary>
public static class PipelineStageNames
{
    /// <summary>snake_case name of a stage.</summary>
    public static string Of(PipelineStage stage) => stage switch
    {
        PipelineStage.IngestWait => "queue",
        PipelineStage.ValidateAndFeatures => "compute_input",
        PipelineStage.Inference => "compute_infer",
        PipelineStage.Answer => "answer",
        PipelineStage.Queue => "commit_wait",
        PipelineStage.Persist => "persist",
        PipelineStage.Total => "request",
        PipelineStage.Acknowledge => "acknowledge",
        _ => stage.ToString().ToLowerInvariant(),
    };
}
