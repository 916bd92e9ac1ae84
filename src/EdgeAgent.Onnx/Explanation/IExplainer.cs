using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Onnx.Explanation;

/// <summary>Splits one scored row into per-feature contributions with the model itself and names the strongest.</summary>
internal interface IExplainer : IDisposable
{
    /// <summary>How the explanation is computed, for /status and the logs.</summary>
    string Method { get; }

    /// <summary>Writes each feature's contribution (log-odds) for <paramref name="row"/>; returns the part no feature owns.</summary>
    double Contributions(ReadOnlySpan<float> row, Span<float> contributions);
}
