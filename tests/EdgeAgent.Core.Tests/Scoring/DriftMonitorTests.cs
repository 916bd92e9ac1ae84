using System.Diagnostics.Metrics;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Scoring.Drift;
using Microsoft.Extensions.Time.Testing;
using static EdgeAgent.Core.Tests.Scoring.DriftFixtures;

namespace EdgeAgent.Core.Tests.Scoring;

public sealed class DriftMonitorTests : IDisposable
{
    private readonly TestMeterFactory _meters = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => _meters.Dispose();

    private DriftMonitor Monitor(ModelReference? reference = null, int window = 2000) =>
        new(_meters, _time, new DriftOptions { WindowPayments = window, MinPayments = 500 }, m => m == Model ? reference ?? Reference : null);

    [Fact]
    public void Traffic_like_the_training_months_does_not_drift()
    {
        using var monitor = Monitor();
        FeedLikeTraining(monitor, 2000);

        var s = monitor.Snapshot();

        Assert.Equal(Model, s.Model);
        Assert.True(s.Judged);
        Assert.Empty(s.Drifted);
        Assert.InRange(s.ScorePsi, 0, 0.01);
        Assert.InRange(Assert.Single(s.Features).Psi, 0, 0.01);
        Assert.False(s.AlertRateOutOfBand);
    }

    [Fact]
    public void A_shifted_stream_drifts_and_names_what_moved()
    {
        using var monitor = Monitor();
        FeedLikeTraining(monitor, 1000);
        for (var i = 0; i < 2000; i++)
        {
            monitor.Observe(Model, 0.1, false, Vector(900f)); // every payment now above 100
        }

        var s = monitor.Snapshot();

        // The window holds between half and all of 2000 payments: by now only the shifted ones.
        Assert.InRange(s.Payments, 1000, 2000);
        Assert.Equal(["score", "amount"], s.Drifted);
        Assert.True(Assert.Single(s.Features).Psi > 1);
    }

    [Fact]
    public void Too_few_payments_are_not_judged()
    {
        using var monitor = Monitor();
        for (var i = 0; i < 100; i++)
        {
            monitor.Observe(Model, 0.99, true, Vector(900f));
        }

        var s = monitor.Snapshot();

        Assert.False(s.Judged);
        Assert.Empty(s.Drifted);
    }

    [Fact]
    public void The_hourly_alert_rate_leaves_its_band_and_an_hour_later_is_forgotten()
    {
        using var monitor = Monitor();
        FeedLikeTraining(monitor, 100, alertEvery: 2); // half the payments alerted, the band ends at 10 %

        var s = monitor.Snapshot();
        Assert.Equal(100, s.PaymentsLastHour);
        Assert.Equal(0.5, s.AlertRateLastHour);
        Assert.True(s.AlertRateOutOfBand);

        _time.Advance(TimeSpan.FromMinutes(61));
        var later = monitor.Snapshot();
        Assert.Equal(0, later.PaymentsLastHour);
        Assert.False(later.AlertRateOutOfBand);
    }

    [Fact]
    public void A_model_without_a_reference_is_not_watched()
    {
        using var monitor = Monitor();

        monitor.Observe(new ModelIdentity("other", "1.0.0"), 0.5, true, Vector(1f));

        Assert.Same(DriftSnapshot.Empty, monitor.Snapshot());
    }

    [Fact]
    public void A_model_switch_starts_the_watch_afresh()
    {
        var other = new ModelIdentity("fraud-next", "2.0.0");
        using var monitor = new DriftMonitor(_meters, _time, new DriftOptions { MinPayments = 10 }, _ => Reference);
        FeedLikeTraining(monitor, 100);

        monitor.Observe(other, 0.1, false, Vector(50f));

        var s = monitor.Snapshot();
        Assert.Equal(other, s.Model);
        Assert.Equal(1, s.Payments);
    }

    [Fact]
    public void The_indexes_and_the_alert_rate_are_instruments_of_the_EdgeAgent_meter()
    {
        using var monitor = Monitor();
        FeedLikeTraining(monitor, 1000, alertEvery: 2);
        var seen = new List<(string Instrument, double Value, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only the observable gauges, read below on this thread: tests running in parallel record histograms of the
            // same meter from other threads at any time.
            if (instrument.Meter.Name == DriftMonitor.MeterName && instrument.IsObservable)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            lock (seen)
            {
                seen.Add((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))));
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Contains(seen, m => m.Instrument == "edgeagent.model.drift.psi" && m.Tags == "model=fraud-test@1.0.0,feature=amount");
        Assert.Contains(seen, m => m.Instrument == "edgeagent.model.drift.psi" && m.Tags == "model=fraud-test@1.0.0,feature=score");
        Assert.Contains(seen, m => m.Instrument == "edgeagent.decisions.alert_rate" && m.Value == 0.5);
        Assert.Contains(seen, m => m.Instrument == "edgeagent.decisions.alert_rate.band" && m.Tags.EndsWith("bound=high", StringComparison.Ordinal) && m.Value == 0.1);
    }
}
