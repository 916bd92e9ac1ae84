using System.Globalization;
using System.Text;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Simulator;

/// <summary>What a simulator run measured: latency from intended send to answer, decisions, and how much labelled fraud was caught.</summary>
public sealed class LoadReport
{
    public required LoadMode Mode { get; init; }

    public required string Target { get; init; }

    /// <summary>Offered rate (open loop) or concurrency (closed loop).</summary>
    public required double Load { get; init; }

    public required long Sent { get; init; }

    public required long Answered { get; init; }

    public required long Lost { get; init; }

    public required long PublishFailures { get; init; }

    public required double Seconds { get; init; }

    public required HistogramSnapshot Latency { get; init; }

    public required IReadOnlyDictionary<string, long> Decisions { get; init; }

    public required long Rejected { get; init; }

    public required long LabelledFraud { get; init; }

    public required long FraudCaught { get; init; }

    public double Throughput => Seconds > 0 ? Answered / Seconds : 0;

    public long Flagged => Decisions.GetValueOrDefault("review") + Decisions.GetValueOrDefault("decline");

    public long Scored => Decisions.Values.Sum();

    /// <summary>Share of scored payments that were reviewed or declined.</summary>
    public double AlertRate => Scored > 0 ? (double)Flagged / Scored : 0;

    public double FraudRecall => LabelledFraud > 0 ? (double)FraudCaught / LabelledFraud : 0;

    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"Target      {Target}");
        text.AppendLine(c, $"Load        {(Mode == LoadMode.Open ? $"open loop, {Load:0.#}/s offered" : $"closed loop, {Load:0} outstanding")}");
        text.AppendLine(c, $"Payments    {Sent} sent, {Answered} answered, {Lost} unanswered, {PublishFailures} publish failures");
        text.AppendLine(c, $"Throughput  {Throughput:0.#}/s over {Seconds:0.00} s");
        text.AppendLine(c, $"Latency     p50 {Ms(0.50)}  p90 {Ms(0.90)}  p99 {Ms(0.99)}  p99.9 {Ms(0.999)}  max {Latency.MaxMicros / 1000.0:0.###} ms (intended send to answer)");
        text.AppendLine(c, $"Decisions   approve {Decisions.GetValueOrDefault("approve")}, review {Decisions.GetValueOrDefault("review")}, decline {Decisions.GetValueOrDefault("decline")}, rejected {Rejected}");
        text.Append(c, $"Fraud       {FraudCaught} of {LabelledFraud} labelled frauds reviewed or declined ({FraudRecall:P1}) at a {AlertRate:P2} alert rate");
        return text.ToString();
    }

    private string Ms(double quantile) => (Latency.Percentile(quantile) / 1000.0).ToString("0.###", CultureInfo.InvariantCulture) + " ms";
}
