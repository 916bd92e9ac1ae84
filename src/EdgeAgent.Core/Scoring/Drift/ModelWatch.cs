using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Scoring.Drift;

/// <summary>The live distributions of one model against its card's reference. Not thread-safe: the monitor locks.</summary>
internal sealed class ModelWatch
{
    private readonly BinCounts _score;
    private readonly BinCounts?[] _features;
    private readonly int _halfWindow;
    private long _current;
    private long _previous;

    public ModelWatch(ModelIdentity model, ModelReference reference, int windowPayments)
    {
        Model = model;
        Reference = reference;
        _halfWindow = Math.Max(1, windowPayments / 2);
        _score = new BinCounts(reference.Score);
        _features = new BinCounts?[FeatureSchema.Count];
        foreach (var feature in reference.Features)
        {
            var index = IndexOf(feature.Name);
            if (index >= 0 && feature.Distribution.Shares.Length == feature.Distribution.Edges.Length + 1)
            {
                _features[index] = new BinCounts(feature.Distribution);
            }
        }
    }

    public ModelIdentity Model { get; }

    public ModelReference Reference { get; }

    public AlertClock Alerts { get; } = new();

    public long Payments => _current + _previous;

    public void Add(double score, ReadOnlySpan<float> features)
    {
        if (_current == _halfWindow)
        {
            _score.Rotate();
            foreach (var f in _features)
            {
                f?.Rotate();
            }

            (_previous, _current) = (_current, 0);
        }

        _score.Add((float)score);
        var n = Math.Min(features.Length, _features.Length);
        for (var i = 0; i < n; i++)
        {
            _features[i]?.Add(features[i]);
        }

        _current++;
    }

    public double ScorePsi() => _score.Psi(Payments);

    public FeatureDrift[] FeaturePsi()
    {
        var result = new List<FeatureDrift>(_features.Length);
        for (var i = 0; i < _features.Length; i++)
        {
            if (_features[i] is { } counts)
            {
                result.Add(new FeatureDrift(FeatureSchema.Names[i], counts.Psi(Payments)));
            }
        }

        return [.. result];
    }

    private static int IndexOf(string name)
    {
        for (var i = 0; i < FeatureSchema.Count; i++)
        {
            if (FeatureSchema.Names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
