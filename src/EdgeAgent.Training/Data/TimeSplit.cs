namespace EdgeAgent.Training.Data;

/// <summary>
/// Train, validation and test periods in time order. Fraud data is split by time, never at random: a random
/// split lets a model learn a burst from rows on both sides of it, which live scoring never can.
/// </summary>
public sealed class TimeSplit
{
    public TimeSplit(MonthRange train, MonthRange validation, MonthRange test)
    {
        if (validation.StartUnixSeconds < train.EndUnixSeconds || test.StartUnixSeconds < validation.EndUnixSeconds)
        {
            throw new ArgumentException(
                $"Periods must follow each other in time: train {train}, validation {validation}, test {test}.");
        }

        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>The split the first models use: Jan–Sep 2023 train, Oct validation, Nov–Dec test.</summary>
    public static TimeSplit Default { get; } =
        new(MonthRange.Of(2023, 1, 9), MonthRange.Of(2023, 10, 10), MonthRange.Of(2023, 11, 12));

    public MonthRange Train { get; }

    public MonthRange Validation { get; }

    public MonthRange Test { get; }

    public DataPart PartOf(long unixSeconds) =>
        Train.Contains(unixSeconds) ? DataPart.Train
        : Validation.Contains(unixSeconds) ? DataPart.Validation
        : Test.Contains(unixSeconds) ? DataPart.Test
        : DataPart.None;
}
