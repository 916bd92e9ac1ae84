namespace EdgeAgent.Simulator.Pipelines;

/// <summary>
/// The same payments' scores from every pipeline, compared by transaction id against the first pipeline's: the same
/// model over the same features must give the same score, whatever carried the payment.
/// </summary>
/// <param name="Pipeline">The pipeline's name.</param>
/// <param name="Expected">Payments sent in the scoring pass.</param>
/// <param name="Answered">Payments answered.</param>
/// <param name="Scored">Answers with a score (the others are refusals, which carry none).</param>
/// <param name="Compared">Answers whose payment the first pipeline answered too.</param>
/// <param name="Equal">Of those, answers with the same score, or without one on both sides.</param>
/// <param name="MaxDifference">The largest difference between two scores of the same payment.</param>
public sealed record ScoreCheck(string Pipeline, int Expected, int Answered, int Scored, int Compared, int Equal, double MaxDifference)
{
    /// <summary>Every payment answered, and every answer's score equal to the first pipeline's.</summary>
    public bool Passed => Answered == Expected && Compared == Expected && Equal == Expected;

    public static IReadOnlyList<ScoreCheck> Compare(IReadOnlyList<ArchitectureResult> results)
    {
        var baseline = results[0].Scores;
        return [.. results.Select(r =>
        {
            var compared = 0;
            var equal = 0;
            var max = 0.0;
            foreach (var (id, score) in r.Scores)
            {
                if (baseline.TryGetValue(id, out var expected))
                {
                    compared++;
                    if (double.IsNaN(score) || double.IsNaN(expected))
                    {
                        equal += double.IsNaN(score) && double.IsNaN(expected) ? 1 : 0;
                        continue;
                    }

                    var difference = Math.Abs(score - expected);
                    max = Math.Max(max, difference);
                    equal += difference == 0 ? 1 : 0;
                }
            }

            return new ScoreCheck(r.Architecture.Name, r.ScoringSent, r.Scores.Count, r.Scores.Values.Count(s => !double.IsNaN(s)), compared, equal, max);
        })];
    }
}
