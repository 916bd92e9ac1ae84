using Google.Protobuf;
using Onnx;

namespace EdgeAgent.Training.Onnx;

/// <summary>Small constructors for nodes, attributes and typed graph inputs/outputs.</summary>
internal static class OnnxNodes
{
    public static NodeProto Node(string opType, string name, IEnumerable<string> inputs, IEnumerable<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>The value of an int attribute, or <paramref name="fallback"/> when the node does not set it.</summary>
    public static long IntOf(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    /// <summary>The value of a float attribute, or <paramref name="fallback"/> when the node does not set it.</summary>
    public static float FloatOf(NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    /// <summary>A float32 tensor value whose dimensions are fixed sizes or, where null, the named batch dimension.</summary>
    public static ValueInfoProto FloatTensor(string name, string batchDimension, params long?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is { } size
                ? new TensorShapeProto.Types.Dimension { DimValue = size }
                : new TensorShapeProto.Types.Dimension { DimParam = batchDimension });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = OnnxTypes.Float, Shape = shape } },
        };
    }

    /// <summary>A float32 tensor value of unknown shape, for extra outputs that only calibration reads.</summary>
    public static ValueInfoProto FloatTensorOfAnyShape(string name) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = OnnxTypes.Float } },
    };
}
