namespace EdgeAgent.Training.Quantization;

/// <summary>The calibrated range of one activation tensor.</summary>
public sealed record ActivationRange(string Tensor, double Low, double High);
