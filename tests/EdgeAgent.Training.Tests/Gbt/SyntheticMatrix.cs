using EdgeAgent.Training.Data;

namespace EdgeAgent.Training.Tests.Gbt;

/// <summary>Random feature rows whose label depends on two features, so a few trees can learn it.</summary>
internal static class SyntheticMatrix
{
    public static FeatureMatrix Create(int rows, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * FeatureMatrix.Width];
        var labels = new bool[rows];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < FeatureMatrix.Width; c++)
            {
                values[(r * FeatureMatrix.Width) + c] = (float)random.NextDouble();
            }

            var row = values.AsSpan(r * FeatureMatrix.Width, FeatureMatrix.Width);
            labels[r] = row[0] + (0.5 * row[8]) + (0.3 * random.NextDouble()) > 1.2;
        }

        return new FeatureMatrix(values, labels);
    }
}
