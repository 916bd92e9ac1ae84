namespace EdgeAgent.Training.Sampling;

/// <summary>
/// Picks cards for a sample file. Fraud is about 1 % of payments and sits on few cards, so a uniform pick of
/// a few dozen cards often shows no fraud at all; half the pick comes from cards with fraud instead.
/// </summary>
public static class CardSampler
{
    /// <param name="hasFraud">Every candidate card, and whether it has fraud in the sampled period.</param>
    /// <param name="count">Cards to choose; fewer when there are fewer candidates.</param>
    /// <param name="seed">Seed of the draw: the same seed and candidates give the same cards.</param>
    /// <returns>The chosen cards, those with fraud first, each group in the order drawn.</returns>
    public static IReadOnlyList<string> Choose(IReadOnlyDictionary<string, bool> hasFraud, int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);

        // Sorted before shuffling: dictionary order is not part of the contract, the seed is.
        var random = new Random(seed);
        var fraud = Shuffled(hasFraud.Where(c => c.Value).Select(c => c.Key), random);
        var clean = Shuffled(hasFraud.Where(c => !c.Value).Select(c => c.Key), random);

        var fromClean = Math.Min(clean.Count, count - Math.Min(fraud.Count, (count + 1) / 2));
        var fromFraud = Math.Min(fraud.Count, count - fromClean);
        return [.. fraud.Take(fromFraud), .. clean.Take(fromClean)];
    }

    private static List<string> Shuffled(IEnumerable<string> cards, Random random)
    {
        var list = cards.Order(StringComparer.Ordinal).ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }

        return list;
    }
}
