namespace EdgeAgent.Core.Scoring;

/// <summary>
/// One reason a payment scored as it did, computed from the model: a code from <see cref="ReasonCodes"/>, the
/// feature behind it, the feature's value for the payment, and how much it moved the score (in log-odds: +1 means
/// the odds of fraud were e ≈ 2.7 times higher because of it). Strings are the table's constants, so a reason
/// costs no allocation.
/// </summary>
/// <param name="Code">Reason code, e.g. <c>amount_far_above_card_usual</c>.</param>
/// <param name="Feature">Feature name as <c>FeatureSchema.Names</c> has it.</param>
/// <param name="Value">The feature's value for this payment.</param>
/// <param name="Contribution">The feature's push towards fraud, in log-odds; the reasons given are the largest positive ones.</param>
public readonly record struct Reason(string Code, string Feature, float Value, float Contribution);
