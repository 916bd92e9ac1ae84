namespace EdgeAgent.Training.Metrics;

/// <summary>What a threshold flags on a set of payments: scores at or above it are alerts.</summary>
public sealed record AlertOutcome(long Alerts, long Caught, long Rows, long Frauds)
{
    /// <summary>Share of payments flagged.</summary>
    public double AlertRate => Alerts / (double)Rows;

    /// <summary>Share of frauds flagged; NaN without frauds.</summary>
    public double Recall => Frauds == 0 ? double.NaN : Caught / (double)Frauds;
}
