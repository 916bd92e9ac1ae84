using EdgeAgent.Onnx;

namespace EdgeAgent.Hosting;

/// <summary>The model scored beside the active one (<c>Inference:ShadowModel</c>), or none.</summary>
public sealed class ShadowModel(ModelHolder? holder) : IDisposable
{
    public ModelHolder? Holder { get; } = holder;

    public void Dispose() => Holder?.Dispose();
}
