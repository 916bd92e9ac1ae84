namespace EdgeAgent.Core.Records;

/// <summary>What a deletion from an <see cref="IItemQueue"/> took away.</summary>
/// <param name="Count">Items deleted.</param>
/// <param name="Bytes">Their encoded bytes.</param>
public readonly record struct RemovedItems(long Count, long Bytes);
