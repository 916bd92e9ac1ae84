namespace EdgeAgent.Training.Data;

/// <summary>Which part of a time split a row falls in.</summary>
public enum DataPart
{
    /// <summary>Outside every period: still replayed, since it is history for the rows after it.</summary>
    None = 0,

    Train = 1,

    Validation = 2,

    Test = 3,
}
