namespace EdgeAgent.Core.Features;

/// <summary>The persisted form of a <see cref="BucketedWindow"/>.</summary>
public sealed record WindowSnapshot(long[] Index, int[] Count, double[] Sum);
