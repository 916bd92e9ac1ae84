namespace EdgeAgent.Core.Scoring;

/// <summary>
/// Scores at or above <see cref="Decline"/> are declined, at or above <see cref="Review"/> reviewed, the rest
/// approved. They come with the model (chosen on a validation month for a stated alert rate, see its card)
/// and may be overridden by configuration.
/// </summary>
public sealed record DecisionThresholds(double Review, double Decline)
{
    /// <summary>The decision for a fraud probability: decline at or above <see cref="Decline"/>, review at or above <see cref="Review"/>.</summary>
    public Decision Decide(double score) =>
        score >= Decline ? Decision.Decline : score >= Review ? Decision.Review : Decision.Approve;

    /// <summary>Throws when the thresholds cannot work: outside [0, 1], or decline below review.</summary>
    public void Validate()
    {
        if (Review is < 0 or > 1 || Decline is < 0 or > 1 || double.IsNaN(Review) || double.IsNaN(Decline))
        {
            throw new ArgumentException($"Thresholds lie in [0, 1]; got review {Review}, decline {Decline}.");
        }

        if (Decline < Review)
        {
            throw new ArgumentException($"The decline threshold ({Decline}) is below the review threshold ({Review}).");
        }
    }
}
