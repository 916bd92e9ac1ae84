using EdgeAgent.Training.Onnx;
using EdgeAgent.Training.Quantization;
using EdgeAgent.Training.Tests.Mlp;
using Onnx;
using Xunit;

namespace EdgeAgent.Training.Tests.Quantization;

/// <summary>
/// The quantized MLP against its float twin on real feature vectors (the sample's December rows, never
/// seen in training or calibration). Stated tolerance on the fraud probability: mean |Δp| ≤ 0.001, 99th
/// percentile ≤ 0.005, largest ≤ 0.15 (one step of an int8 activation can move a row on the steep part of
/// the sigmoid that far; the mean says whether the model as a whole still agrees).
/// </summary>
public sealed class QuantizerTests : IClassFixture<SampleMlpFixture>
{
    private const double MeanTolerance = 0.001;
    private const double P99Tolerance = 0.005;
    private const double MaxTolerance = 0.15;

    private readonly SampleMlpFixture _fixture;

    public QuantizerTests(SampleMlpFixture fixture)
    {
        _fixture = fixture;
    }

    [Theory]
    [InlineData(CalibrationMethod.MinMax)]
    [InlineData(CalibrationMethod.Percentile)]
    public void Quantized_model_runs_in_onnx_runtime_and_matches_its_float_twin(CalibrationMethod method)
    {
        var settings = new QuantizerSettings { Method = method, Percentile = 99.99 };
        var result = OnnxQuantizer.Quantize(_fixture.Onnx, _fixture.Train, settings);

        using var quantized = new OnnxBatchScorer(result.Onnx);
        using var original = new OnnxBatchScorer(_fixture.Onnx);
        Assert.Equal(original.Contract.ToString(), quantized.Contract.ToString());
        var q = quantized.Score(_fixture.Holdout, batchSize: 64);
        var f = original.Score(_fixture.Holdout);
        var gaps = q.Zip(f, (a, b) => Math.Abs(a - (double)b)).Order().ToArray();

        Assert.Equal(3, result.Layers);
        Assert.InRange(gaps.Average(), 0, MeanTolerance);
        Assert.InRange(gaps[(int)(0.99 * (gaps.Length - 1))], 0, P99Tolerance);
        Assert.InRange(gaps[^1], 0, MaxTolerance);
    }

    [Fact]
    public void Static_model_is_qdq_with_int8_weights_per_channel_and_int32_biases()
    {
        var result = OnnxQuantizer.Quantize(_fixture.Onnx, _fixture.Train, new QuantizerSettings());
        var graph = ModelProto.Parser.ParseFrom(result.Onnx).Graph;
        var p = _fixture.Model.Parameters;

        Assert.Equal(2, result.FusedRelus);
        Assert.DoesNotContain(graph.Node, n => n.OpType is "MatMul" or "Relu");
        Assert.Equal(3, graph.Node.Count(n => n.OpType == "Gemm"));
        Assert.Equal(3, graph.Node.Count(n => n.OpType == "QuantizeLinear"));
        var weights = graph.Initializer.Where(t => t.DataType == OnnxTypes.Int8 && t.Dims.Count == 2).ToList();
        Assert.Equal([(long)p.InputWidth * p.Hidden1, (long)p.Hidden1 * p.Hidden2, p.Hidden2], weights.Select(OnnxTensors.ElementCount));
        Assert.Equal(3, graph.Initializer.Count(t => t.DataType == OnnxTypes.Int32));
        var weightScales = graph.Node.Where(n => n.OpType == "DequantizeLinear" && n.Attribute.Any(a => a.Name == "axis" && a.I == 1))
            .Select(n => graph.Initializer.Single(t => t.Name == n.Input[1]).Dims.Single()).ToList();
        Assert.Equal([(long)p.Hidden1, p.Hidden2, 1L], weightScales);
        Assert.DoesNotContain(graph.Initializer, t => t.Name is "w1" or "w2" or "w3");
        Assert.Contains(ModelProto.Parser.ParseFrom(result.Onnx).MetadataProps, m => m.Key == "feature_schema");
    }

    [Fact]
    public void Onnx_runtime_fuses_the_qdq_layers_into_integer_kernels()
    {
        var result = OnnxQuantizer.Quantize(_fixture.Onnx, _fixture.Train, new QuantizerSettings());

        var operators = OptimizedGraph.Operators(result.Onnx);

        Assert.Contains("QGemm×3", operators, StringComparison.Ordinal);
        Assert.DoesNotContain("DequantizeLinear", operators, StringComparison.Ordinal);
    }

    [Fact]
    public void Relu_ranges_start_at_zero_so_that_quantization_clips_like_the_relu()
    {
        var result = OnnxQuantizer.Quantize(_fixture.Onnx, _fixture.Train, new QuantizerSettings());

        Assert.Equal(["h0", "h1", "h2"], result.Ranges.Select(r => r.Tensor));
        Assert.All(result.Ranges.Skip(1), r => Assert.Equal(0, r.Low));
        Assert.True(result.Ranges[0].Low < 0);
    }

    [Fact]
    public void Gemm_attributes_are_folded_into_the_quantized_weights()
    {
        var model = TinyGraphs.GemmMlp(seed: 3);
        var rows = TinyGraphs.Rows(2000, seed: 4);
        var result = OnnxQuantizer.Quantize(model, rows, new QuantizerSettings());

        using var quantized = new OnnxBatchScorer(result.Onnx);
        using var original = new OnnxBatchScorer(model);
        var holdout = TinyGraphs.Rows(500, seed: 5);
        var gaps = quantized.Score(holdout).Zip(original.Score(holdout), (a, b) => Math.Abs(a - (double)b)).ToArray();

        Assert.Equal(2, result.Layers);
        Assert.InRange(gaps.Average(), 0, 0.005);
        Assert.InRange(gaps.Max(), 0, 0.03);
    }
}
