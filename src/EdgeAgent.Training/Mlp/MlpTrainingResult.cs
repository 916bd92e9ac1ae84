namespace EdgeAgent.Training.Mlp;

/// <summary>The model of the best epoch (lowest validation loss) and the loss history that chose it.</summary>
public sealed record MlpTrainingResult(MlpModel Model, int BestEpoch, IReadOnlyList<MlpEpoch> History);
