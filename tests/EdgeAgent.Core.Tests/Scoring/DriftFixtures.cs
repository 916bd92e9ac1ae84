using System.Diagnostics.Metrics;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Tests.Scoring;

/// <summary>A reference like a card's, and a meter factory for the tests.</summary>
internal static class DriftFixtures
{
    public static ModelIdentity Model { get; } = new("fraud-test", "1.0.0");

    /// <summary>Score below 0.5 for 90 % of rows; amount under 10 for 30 %, 10–100 for 50 %, above for 20 %.</summary>
    public static ModelReference Reference { get; } = new()
    {
        Period = "train",
        Rows = 1000,
        Score = new BinnedDistribution { Edges = [0.5f], Shares = [0.9, 0.1] },
        Features = [new FeatureDistribution { Name = "amount", Distribution = new BinnedDistribution { Edges = [10f, 100f], Shares = [0.3, 0.5, 0.2] } }],
        AlertRate = new AlertRateBand { Expected = 0.02, HourlyLow = 0, HourlyHigh = 0.1, MinPaymentsPerHour = 30 },
    };

    /// <summary>A feature vector with <paramref name="amount"/> in its place.</summary>
    public static float[] Vector(float amount)
    {
        var f = new float[FeatureSchema.Count];
        f[0] = amount;
        return f;
    }

    /// <summary>Amounts and scores drawn as the reference has them, every <paramref name="alertEvery"/>-th alerted.</summary>
    public static void FeedLikeTraining(EdgeAgent.Core.Scoring.Drift.DriftMonitor monitor, int payments, int alertEvery = 50)
    {
        for (var i = 0; i < payments; i++)
        {
            var amount = (i % 10) switch { < 3 => 5f, < 8 => 50f, _ => 500f };
            monitor.Observe(Model, i % 10 == 0 ? 0.9 : 0.1, i % alertEvery == 0, Vector(amount));
        }
    }

    internal sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
