namespace EdgeAgent.Core.Tokenization;

/// <summary>A card's token under the current key and, while a rotation is under way, under the previous key.</summary>
/// <param name="Current">The token new records carry.</param>
/// <param name="Previous">The token the card had under the previous key (to find its history); null without a previous key.</param>
public readonly record struct CardTokens(string Current, string? Previous);
