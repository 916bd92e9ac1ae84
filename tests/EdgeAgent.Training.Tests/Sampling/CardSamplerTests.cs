using EdgeAgent.Training.Sampling;
using Xunit;

namespace EdgeAgent.Training.Tests.Sampling;

public sealed class CardSamplerTests
{
    private static readonly Dictionary<string, bool> Cards = Enumerable.Range(0, 200)
        .ToDictionary(i => $"card{i:D3}", i => i % 10 == 0);

    [Fact]
    public void Half_the_pick_has_fraud()
    {
        var chosen = CardSampler.Choose(Cards, 10, seed: 7);
        Assert.Equal(10, chosen.Count);
        Assert.Equal(10, chosen.Distinct().Count());
        Assert.Equal(5, chosen.Count(c => Cards[c]));
    }

    [Fact]
    public void The_seed_fixes_the_pick_whatever_the_dictionary_order()
    {
        var reversed = Cards.Reverse().ToDictionary(c => c.Key, c => c.Value);
        Assert.Equal(CardSampler.Choose(Cards, 10, seed: 7), CardSampler.Choose(reversed, 10, seed: 7));
        Assert.NotEqual(CardSampler.Choose(Cards, 10, seed: 7), CardSampler.Choose(Cards, 10, seed: 8));
    }

    [Fact]
    public void A_short_group_is_made_up_from_the_other()
    {
        var fewFraud = new Dictionary<string, bool> { ["a"] = true, ["b"] = false, ["c"] = false, ["d"] = false, ["e"] = false };
        var chosen = CardSampler.Choose(fewFraud, 4, seed: 1);
        Assert.Equal(4, chosen.Count);
        Assert.Contains("a", chosen);

        var fewClean = new Dictionary<string, bool> { ["a"] = true, ["b"] = true, ["c"] = true, ["d"] = false };
        var chosenFromFraud = CardSampler.Choose(fewClean, 4, seed: 1);
        Assert.Equal(4, chosenFromFraud.Count);
        Assert.Equal(3, chosenFromFraud.Count(c => fewClean[c]));
    }

    [Fact]
    public void Asking_for_more_cards_than_exist_returns_them_all()
    {
        var few = new Dictionary<string, bool> { ["a"] = true, ["b"] = false };
        Assert.Equal(["a", "b"], CardSampler.Choose(few, 10, seed: 1));
    }
}
