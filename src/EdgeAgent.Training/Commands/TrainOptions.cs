using EdgeAgent.Training.Data;
using EdgeAgent.Training.Layouts;

namespace EdgeAgent.Training.Commands;

/// <summary>What a training command was asked to do: the options every trainer shares, and its own <typeparamref name="TSettings"/>.</summary>
public sealed record TrainOptions<TSettings>(
    string Data,
    string Out,
    string Name,
    string Version,
    TimeSplit Split,
    IReadOnlyList<StoreLayout> Layouts,
    CardSplit Cards,
    TSettings Settings,
    double ReviewRate,
    double DeclineRate,
    string? SigningKey = null);
