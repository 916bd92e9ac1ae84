namespace EdgeAgent.Core.Payments;

/// <summary>
/// One reason a payment was rejected. <see cref="Message"/> never repeats the offending value,
/// so that a card number sent in the wrong field cannot leak through an answer or a log.
/// </summary>
/// <param name="Field">The JSON field (or <c>$</c> for the whole payload, <c>topic</c> for the topic).</param>
/// <param name="Code">A stable machine-readable code from <see cref="ValidationCodes"/>.</param>
/// <param name="Message">A human-readable explanation for whoever integrates the terminal.</param>
public sealed record ValidationError(string Field, string Code, string Message);
