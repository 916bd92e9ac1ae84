using System.Text;
using EdgeAgent.Training.Quantization;
using EdgeAgent.Training.Tests.Gbt;
using Xunit;

namespace EdgeAgent.Training.Tests.Quantization;

public sealed class QuantizerRefusalTests : IClassFixture<TrainedModelFixture>
{
    private readonly TrainedModelFixture _trees;

    public QuantizerRefusalTests(TrainedModelFixture trees)
    {
        _trees = trees;
    }

    [Fact]
    public void Refuses_a_file_that_is_not_onnx()
    {
        var error = Refusal(Encoding.UTF8.GetBytes("unix_time,trans_num,cc_num\n1,2,3\n"), "data.csv");
        Assert.Contains("data.csv is not an ONNX model", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_an_operator_it_does_not_know_and_names_the_node()
    {
        var error = Refusal(TinyGraphs.WithUnknownOperator(), "odd.onnx");
        Assert.Contains("node 'squash' is a Softsign", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_tree_ensemble()
    {
        var error = Refusal(_trees.Onnx, "fraud-gbt.onnx");
        Assert.Contains("ai.onnx.ml.TreeEnsembleRegressor", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_non_float_input()
    {
        var error = Refusal(TinyGraphs.WithIntegerInput(), "ids.onnx");
        Assert.Contains("graph input 'ids' is int64", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_matmul_without_a_constant_weight()
    {
        var error = Refusal(TinyGraphs.WithoutConstantWeight(), "gram.onnx");
        Assert.Contains("node 'gram' (MatMul)", error, StringComparison.Ordinal);
        Assert.Contains("not a constant weight", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_to_move_an_op_whose_meaning_changed_to_opset_13()
    {
        var error = Refusal(TinyGraphs.OldSoftmax(), "old.onnx");
        Assert.Contains("opset 11", error, StringComparison.Ordinal);
        Assert.Contains("'classes' (Softmax)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_before_calibration_when_checked()
    {
        Assert.Throws<QuantizationException>(() => OnnxQuantizer.Check(TinyGraphs.WithUnknownOperator(), new QuantizerSettings()));
        Assert.Equal(2, OnnxQuantizer.Check(TinyGraphs.GemmMlp(seed: 1), new QuantizerSettings()));
    }

    private static string Refusal(byte[] model, string source)
    {
        var ex = Assert.Throws<QuantizationException>(() => OnnxQuantizer.Quantize(model, TinyGraphs.Rows(10, seed: 1), new QuantizerSettings(), source));
        return ex.Message;
    }
}
