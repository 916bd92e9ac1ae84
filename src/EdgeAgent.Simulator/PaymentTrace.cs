using System.Diagnostics;

namespace EdgeAgent.Simulator;

/// <summary>
/// Every payment of one load run, by sequence number: when it was meant to be sent, how long its answer took and the
/// score it carried. Kept beside the histogram because comparing pipelines needs the payments themselves: the same
/// payment's score from each, and the order in which latencies grew.
/// </summary>
public sealed class PaymentTrace
{
    private readonly long[] _intended;
    private readonly long[] _answeredAt;
    private readonly double[] _scores;

    internal PaymentTrace(int count)
    {
        _intended = new long[count];
        _answeredAt = new long[count];
        _scores = new double[count];
        Array.Fill(_scores, double.NaN);
    }

    public static PaymentTrace Empty { get; } = new(0);

    public int Count => _intended.Length;

    /// <summary>Latency from intended send to answer in milliseconds; NaN when unanswered.</summary>
    public double LatencyMs(int sequence) =>
        _answeredAt[sequence] == 0 ? double.NaN : Stopwatch.GetElapsedTime(_intended[sequence], _answeredAt[sequence]).TotalMilliseconds;

    /// <summary>The answer's score; NaN when unanswered or answered without one.</summary>
    public double Score(int sequence) => _scores[sequence];

    /// <summary>Whether an answer came.</summary>
    public bool Answered(int sequence) => _answeredAt[sequence] != 0;

    /// <summary>Stopwatch timestamp of the intended send.</summary>
    public long IntendedTimestamp(int sequence) => _intended[sequence];

    /// <summary>Stopwatch timestamp of the answer, 0 when unanswered.</summary>
    public long AnsweredTimestamp(int sequence) => _answeredAt[sequence];

    internal void Intended(int sequence, long timestamp) => _intended[sequence] = timestamp;

    internal void Answer(long sequence, long timestamp, double? score)
    {
        _answeredAt[sequence] = timestamp;
        _scores[sequence] = score ?? double.NaN;
    }
}
