using EdgeAgent.Training.Layouts;

namespace EdgeAgent.Training.Data;

/// <summary>
/// Which cardholders are held out: a node meets cards it never saw, so besides the split by time each model has a
/// twin trained without a seeded share of the cards and measured on those cards alone. A card's group is a
/// hash of its number under the seed: the same on every run, whatever order the rows come in.
/// </summary>
public sealed record CardSplit(double HeldOutShare, int Seed)
{
    /// <summary>Share of cards held out unless a command says otherwise.</summary>
    public const double DefaultHeldOutShare = 0.3;

    public const int DefaultSeed = 7;

    public static CardSplit Default { get; } = new(DefaultHeldOutShare, DefaultSeed);

    public bool IsHeldOut(string cardNumber) => SeededHash.Unit(SeededHash.Of(Seed, cardNumber)) < HeldOutShare;
}
