namespace EdgeAgent.Core.Telemetry;

/// <summary>The names of the stages outside the process: in /metrics, /status and the snapshots sent to the cloud.</summary>
public static class PipelineStageNames
{
    /// <summary>snake_case name of a stage; one table, so that a dashboard finds a stage under one name everywhere.</summary>
    public static string Of(PipelineStage stage) => stage switch
    {
        PipelineStage.IngestWait => "ingest_wait",
        PipelineStage.ValidateAndFeatures => "validate_features",
        PipelineStage.Inference => "inference",
        PipelineStage.Queue => "queue",
        PipelineStage.Persist => "persist",
        PipelineStage.Answer => "answer",
        PipelineStage.Total => "total",
        PipelineStage.Acknowledge => "acknowledge",
        _ => stage.ToString().ToLowerInvariant(),
    };
}
