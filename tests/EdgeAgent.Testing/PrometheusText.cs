using System.Globalization;

namespace EdgeAgent.Testing;

/// <summary>Reads samples out of a Prometheus text exposition, as a scraper would.</summary>
public static class PrometheusText
{
    /// <summary>
    /// The summed value of the samples of <paramref name="metric"/> whose labels include <paramref name="labels"/>;
    /// null when there is none.
    /// </summary>
    public static double? Value(string text, string metric, params (string Name, string Value)[] labels)
    {
        double? sum = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(metric, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[metric.Length..];
            if (rest.Length == 0 || (rest[0] != '{' && rest[0] != ' '))
            {
                continue;
            }

            var labelText = rest[0] == '{' ? rest[1..rest.LastIndexOf('}')] : "";
            if (labels.All(l => labelText.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                var value = rest[(rest.LastIndexOf(rest[0] == '{' ? '}' : ' ') + 1)..].Trim().Split(' ')[0];
                sum = (sum ?? 0) + double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
