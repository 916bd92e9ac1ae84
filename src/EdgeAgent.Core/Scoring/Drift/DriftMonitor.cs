using System.Diagnostics.Metrics;

namespace EdgeAgent.Core.Scoring.Drift;

/// <summary>
/// Watches the active model's live traffic against its card's training reference: the score and every feature in
/// the card's bins (population stability index, over the last <see cref="DriftOptions.WindowPayments"/> payments),
/// and the share of payments alerted over the last hour against the band the card expects. Fed once per scored
/// payment by the scoring loop: a lock, one bin search per value, no allocation. Read at any time from any thread,
/// as a <see cref="DriftSnapshot"/> or through the <c>EdgeAgent</c> meter. A model switch starts the watch afresh
/// with the new model's reference; a model whose card has none is not watched. No I/O.
/// </summary>
public sealed class DriftMonitor : IDisposable
{
    /// <summary>The meter every agent instrument is on.</summary>
    public const string MeterName = "EdgeAgent";

    /// <summary>The feature tag value the score's index carries.</summary>
    public const string ScoreName = "score";

    private readonly Lock _lock = new();
    private readonly Meter _meter;
    private readonly TimeProvider _time;
    private readonly DriftOptions _options;
    private readonly Func<ModelIdentity, ModelReference?> _references;
    private ModelWatch? _watch;
    private ModelIdentity? _unwatched;

    /// <param name="meters">Where the <c>EdgeAgent</c> meter comes from.</param>
    /// <param name="time">The agent's clock, for the hourly alert rate.</param>
    /// <param name="options">Window, minimum and warning line.</param>
    /// <param name="references">The training reference of a model (from its card); null when it has none.</param>
    public DriftMonitor(IMeterFactory meters, TimeProvider time, DriftOptions options, Func<ModelIdentity, ModelReference?> references)
    {
        _time = time;
        _options = options;
        _references = references;
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("edgeagent.model.drift.psi", ObservePsi, "1",
            "Population stability index of the score and of each feature against the model card's training months");
        _meter.CreateObservableGauge("edgeagent.model.drift.payments", () => Measure(w => w.Payments), "{payment}",
            "Payments in the window the drift indexes are measured over");
        _meter.CreateObservableGauge("edgeagent.decisions.alert_rate", ObserveAlertRate, "1",
            "Share of the last hour's payments reviewed or declined");
        _meter.CreateObservableGauge("edgeagent.decisions.alert_rate.band", ObserveBand, "1",
            "The hourly alert rate the model card expects: bound low, high (1st and 99th percentile) and expected");
    }

    /// <summary>Counts one scored payment of <paramref name="model"/>; <paramref name="alerted"/> when it was reviewed or declined.</summary>
    public void Observe(ModelIdentity model, double score, bool alerted, ReadOnlySpan<float> features)
    {
        var minute = _time.GetUtcNow().ToUnixTimeSeconds() / 60;
        lock (_lock)
        {
            if (_watch is null || !Same(_watch.Model, model))
            {
                if (_unwatched is { } unwatched && Same(unwatched, model))
                {
                    return;
                }

                Switch(model);
                if (_watch is null)
                {
                    return;
                }
            }

            _watch.Add(score, features);
            _watch.Alerts.Add(minute, alerted);
        }
    }

    /// <summary>Where the watched model stands now.</summary>
    public DriftSnapshot Snapshot()
    {
        var minute = _time.GetUtcNow().ToUnixTimeSeconds() / 60;
        lock (_lock)
        {
            if (_watch is not { } w)
            {
                return DriftSnapshot.Empty;
            }

            var judged = w.Payments >= _options.MinPayments;
            var scorePsi = w.ScorePsi();
            var features = w.FeaturePsi();
            var drifted = new List<string>();
            if (judged)
            {
                if (scorePsi >= _options.PsiWarning)
                {
                    drifted.Add(ScoreName);
                }

                drifted.AddRange(features.Where(f => f.Psi >= _options.PsiWarning).Select(f => f.Feature));
            }

            var (payments, alerts) = w.Alerts.LastHour(minute);
            double? rate = payments > 0 ? alerts / (double)payments : null;
            var band = w.Reference.AlertRate;
            var outOfBand = band is not null && rate is { } r && payments >= band.MinPaymentsPerHour && (r < band.HourlyLow || r > band.HourlyHigh);
            return new DriftSnapshot(w.Model, w.Payments, judged, scorePsi, features, drifted, payments, rate, band, outOfBand);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    private static bool Same(ModelIdentity a, ModelIdentity b) => ReferenceEquals(a, b) || a == b;

    private void Switch(ModelIdentity model)
    {
        var reference = _references(model);
        _watch = reference is null ? null : new ModelWatch(model, reference, _options.WindowPayments);
        _unwatched = reference is null ? model : null;
    }

    private IEnumerable<Measurement<double>> ObservePsi()
    {
        var s = Snapshot();
        if (s.Model is null)
        {
            yield break;
        }

        var model = s.Model.ToString();
        yield return new Measurement<double>(s.ScorePsi, new("model", model), new("feature", ScoreName));
        foreach (var f in s.Features)
        {
            yield return new Measurement<double>(f.Psi, new("model", model), new("feature", f.Feature));
        }
    }

    private IEnumerable<Measurement<double>> ObserveAlertRate()
    {
        var s = Snapshot();
        if (s is { Model: { } model, AlertRateLastHour: { } rate })
        {
            yield return new Measurement<double>(rate, new KeyValuePair<string, object?>("model", model.ToString()));
        }
    }

    private IEnumerable<Measurement<double>> ObserveBand()
    {
        var s = Snapshot();
        if (s is { Model: { } model, Band: { } band })
        {
            var name = model.ToString();
            yield return new Measurement<double>(band.HourlyLow, new("model", name), new("bound", "low"));
            yield return new Measurement<double>(band.HourlyHigh, new("model", name), new("bound", "high"));
            yield return new Measurement<double>(band.Expected, new("model", name), new("bound", "expected"));
        }
    }

    private IEnumerable<Measurement<long>> Measure(Func<ModelWatch, long> value)
    {
        lock (_lock)
        {
            if (_watch is { } w)
            {
                return [new Measurement<long>(value(w), new KeyValuePair<string, object?>("model", w.Model.ToString()))];
            }
        }

        return [];
    }
}
