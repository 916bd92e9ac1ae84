namespace EdgeAgent.Training.Mlp;

/// <summary>One pass over the training months: mean training loss and the validation loss after it.</summary>
public sealed record MlpEpoch(int Epoch, double TrainLoss, double ValidationLoss);
