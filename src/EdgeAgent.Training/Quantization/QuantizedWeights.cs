namespace EdgeAgent.Training.Quantization;

/// <summary>
/// A layer's weights in signed int8, one symmetric scale per output channel (column of [K, N]). Per-channel
/// scales keep a column of small weights from being rounded away because another column holds large ones.
/// </summary>
internal sealed record QuantizedWeights(sbyte[] Values, float[] Scales)
{
    public static QuantizedWeights Of(LinearLayer layer)
    {
        var n = layer.OutputChannels;
        var scales = new QuantParams[n];
        for (var j = 0; j < n; j++)
        {
            var absMax = 0f;
            for (var i = 0; i < layer.InputChannels; i++)
            {
                absMax = Math.Max(absMax, Math.Abs(layer.Weight[(i * n) + j]));
            }

            scales[j] = QuantParams.ForWeights(absMax);
        }

        var values = new sbyte[layer.Weight.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = scales[i % n].QuantizeWeight(layer.Weight[i]);
        }

        return new QuantizedWeights(values, [.. scales.Select(s => s.Scale)]);
    }
}
