using System.Globalization;
using System.Security;
using System.Text;

namespace EdgeAgent.Training.Evaluation;

/// <summary>
/// Plain SVG line and bar charts, written as text: axes, ticks, a legend, no dependencies. The evaluate command
/// draws its ROC, precision–recall and per-layout charts with it; the simulator compiles this same file in for the
/// pipelines report's charts.
/// </summary>
public static class SvgChart
{
    private const int Width = 640;
    private const int Height = 420;
    private const int Left = 64;
    private const int Right = 180;
    private const int Top = 36;
    private const int Bottom = 48;

    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"];

    /// <summary>Lines through each series' points; <paramref name="logX"/> puts x on a log scale from <paramref name="xMin"/>.</summary>
    public static string Lines(
        string title, string xLabel, string yLabel, IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> series,
        double xMin, double xMax, double yMin, double yMax, bool logX = false)
    {
        double Sx(double x) => Left + ((Width - Left - Right) * (logX
            ? (Math.Log10(Math.Max(x, xMin)) - Math.Log10(xMin)) / (Math.Log10(xMax) - Math.Log10(xMin))
            : (x - xMin) / (xMax - xMin)));
        double Sy(double y) => Height - Bottom - ((Height - Top - Bottom) * (Math.Clamp(y, yMin, yMax) - yMin) / (yMax - yMin));

        var svg = Start(title);
        var xTicks = logX
            ? Enumerable.Range(0, (int)Math.Round(Math.Log10(xMax / xMin)) + 1).Select(i => xMin * Math.Pow(10, i)).ToList()
            : Enumerable.Range(0, 6).Select(i => xMin + ((xMax - xMin) * i / 5)).ToList();
        var yTicks = Enumerable.Range(0, 6).Select(i => yMin + ((yMax - yMin) * i / 5)).ToList();
        Axes(svg, xLabel, yLabel, xTicks.Select(x => (Sx(x), Format(x))), yTicks.Select(y => (Sy(y), Format(y))));
        for (var s = 0; s < series.Count; s++)
        {
            var points = string.Join(' ', series[s].Points.Where(p => !logX || p.X > 0 || p.X == 0)
                .Select(p => Invariant($"{Sx(p.X):F1},{Sy(p.Y):F1}")));
            svg.AppendLine(Invariant($"<polyline fill=\"none\" stroke=\"{Colors[s % Colors.Length]}\" stroke-width=\"1.6\" points=\"{points}\"/>"));
        }

        Legend(svg, series.Select(s => s.Name).ToList());
        return End(svg);
    }

    /// <summary>Grouped bars: one group per category, one bar per series, values between <paramref name="yMin"/> and <paramref name="yMax"/>.</summary>
    public static string Bars(string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, double yMin, double yMax)
    {
        double Sy(double y) => Height - Bottom - ((Height - Top - Bottom) * (Math.Clamp(y, yMin, yMax) - yMin) / (yMax - yMin));
        var svg = Start(title);
        var plot = Width - Left - Right;
        var group = plot / (double)Math.Max(1, categories.Count);
        var bar = group * 0.8 / Math.Max(1, series.Count);
        var yTicks = Enumerable.Range(0, 6).Select(i => yMin + ((yMax - yMin) * i / 5)).ToList();
        Axes(svg, "", yLabel, categories.Select((c, i) => (Left + (group * (i + 0.5)), c)), yTicks.Select(y => (Sy(y), Format(y))));
        for (var s = 0; s < series.Count; s++)
        {
            for (var c = 0; c < categories.Count; c++)
            {
                var x = Left + (group * c) + (group * 0.1) + (bar * s);
                var y = Sy(series[s].Values[c]);
                svg.AppendLine(Invariant($"<rect x=\"{x:F1}\" y=\"{y:F1}\" width=\"{bar * 0.9:F1}\" height=\"{Height - Bottom - y:F1}\" fill=\"{Colors[s % Colors.Length]}\"><title>{Escape(series[s].Name)}, {Escape(categories[c])}: {series[s].Values[c]:F4}</title></rect>"));
            }
        }

        Legend(svg, series.Select(s => s.Name).ToList());
        return End(svg);
    }

    private static StringBuilder Start(string title)
    {
        var svg = new StringBuilder();
        svg.AppendLine(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"11\">"));
        svg.AppendLine(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>"));
        svg.AppendLine(Invariant($"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"13\">{Escape(title)}</text>"));
        return svg;
    }

    private static string End(StringBuilder svg) => svg.AppendLine("</svg>").ToString();

    private static void Axes(StringBuilder svg, string xLabel, string yLabel, IEnumerable<(double X, string Label)> xTicks, IEnumerable<(double Y, string Label)> yTicks)
    {
        var (x0, x1, y0, y1) = (Left, Width - Right, Height - Bottom, Top);
        svg.AppendLine(Invariant($"<path d=\"M{x0},{y1} L{x0},{y0} L{x1},{y0}\" fill=\"none\" stroke=\"black\"/>"));
        foreach (var (x, label) in xTicks)
        {
            svg.AppendLine(Invariant($"<line x1=\"{x:F1}\" y1=\"{y0}\" x2=\"{x:F1}\" y2=\"{y0 + 4}\" stroke=\"black\"/><text x=\"{x:F1}\" y=\"{y0 + 16}\" text-anchor=\"middle\">{Escape(label)}</text>"));
        }

        foreach (var (y, label) in yTicks)
        {
            svg.AppendLine(Invariant($"<line x1=\"{x0 - 4}\" y1=\"{y:F1}\" x2=\"{x1}\" y2=\"{y:F1}\" stroke=\"#e0e0e0\"/><text x=\"{x0 - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{Escape(label)}</text>"));
        }

        svg.AppendLine(Invariant($"<text x=\"{(x0 + x1) / 2}\" y=\"{Height - 10}\" text-anchor=\"middle\">{Escape(xLabel)}</text>"));
        svg.AppendLine(Invariant($"<text transform=\"translate(16,{(y0 + y1) / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel)}</text>"));
    }

    private static void Legend(StringBuilder svg, List<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            var y = Top + 10 + (i * 16);
            svg.AppendLine(Invariant($"<rect x=\"{Width - Right + 12}\" y=\"{y - 8}\" width=\"10\" height=\"10\" fill=\"{Colors[i % Colors.Length]}\"/><text x=\"{Width - Right + 26}\" y=\"{y + 1}\">{Escape(names[i])}</text>"));
        }
    }

    private static string Format(double v) => v is > 0 and < 0.01 ? v.ToString("0.#####", CultureInfo.InvariantCulture) : v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
