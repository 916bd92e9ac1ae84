using EdgeAgent.Core.Features;
using EdgeAgent.Training.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace EdgeAgent.Training.Gbt;

/// <summary>
/// Feature matrices as ML.NET data views. The vector size comes from <see cref="FeatureSchema"/> at run time
/// (an attribute would need a constant), so the exported ONNX input is [batch, FeatureSchema.Count].
/// </summary>
public static class DataViews
{
    public const string FeaturesColumn = "Features";

    public const string LabelColumn = "Label";

    public static IDataView Labelled(MLContext ml, FeatureMatrix matrix) =>
        ml.Data.LoadFromEnumerable(LabelledRows(matrix), WithVectorSize<LabelledFeatures>());

    public static IDataView Unlabelled(MLContext ml, FeatureMatrix matrix) =>
        ml.Data.LoadFromEnumerable(UnlabelledRows(matrix), WithVectorSize<UnlabelledFeatures>());

    private static IEnumerable<LabelledFeatures> LabelledRows(FeatureMatrix matrix)
    {
        for (var i = 0; i < matrix.Rows; i++)
        {
            yield return new LabelledFeatures { Features = matrix.Row(i).ToArray(), Label = matrix.Labels[i] };
        }
    }

    private static IEnumerable<UnlabelledFeatures> UnlabelledRows(FeatureMatrix matrix)
    {
        for (var i = 0; i < matrix.Rows; i++)
        {
            yield return new UnlabelledFeatures { Features = matrix.Row(i).ToArray() };
        }
    }

    private static SchemaDefinition WithVectorSize<T>()
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema[FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureSchema.Count);
        return schema;
    }
}
