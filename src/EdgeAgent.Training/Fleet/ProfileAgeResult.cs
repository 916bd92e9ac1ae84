namespace EdgeAgent.Training.Fleet;

/// <summary>One model of <see cref="ProfileAgeExperiment"/> measured on the test months replayed at one lag.</summary>
/// <param name="Model">Which model: how it was trained, with or without the profile's age.</param>
/// <param name="TestedAt">The lag of the test replay (<c>lag 10s</c>), or <c>drawn lags</c>.</param>
/// <param name="Rows">Payments of the test months.</param>
/// <param name="Frauds">Of which fraud.</param>
/// <param name="RocAuc">Area under the ROC curve.</param>
/// <param name="PrAuc">Average precision.</param>
/// <param name="FlaggedAt95">Share of the payments flagged to catch 95 % of the fraud.</param>
public sealed record ProfileAgeResult(string Model, string TestedAt, int Rows, int Frauds, double RocAuc, double PrAuc, double FlaggedAt95);
