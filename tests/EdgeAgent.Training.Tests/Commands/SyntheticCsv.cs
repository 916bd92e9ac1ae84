using System.IO.Compression;
using System.Text;
using EdgeAgent.Sparkov;

namespace EdgeAgent.Training.Tests.Commands;

/// <summary>Writes Sparkov CSV, gzip-compressed when the name ends in .gz, as the real data file is.</summary>
internal static class SyntheticCsv
{
    public static void Write(string path, IEnumerable<SparkovRecord> rows)
    {
        using var file = System.IO.File.Create(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine(SparkovCsv.Header);
        foreach (var row in rows)
        {
            writer.WriteLine(SparkovCsv.Format(row));
        }
    }

    /// <summary>
    /// A year of payments of <paramref name="cards"/> cards, one every ~9 hours each, with night-time,
    /// high-amount online bursts labelled fraud on every fifth card: something a few trees can learn.
    /// </summary>
    public static List<SparkovRecord> Year(int cards, int seed)
    {
        var random = new Random(seed);
        var rows = new List<SparkovRecord>();
        const long start = 1672531200; // 2023-01-01T00:00:00Z
        const long end = 1704067200; // 2024-01-01T00:00:00Z
        for (var c = 0; c < cards; c++)
        {
            var pan = "40000000" + c.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
            for (var t = start + random.Next(30_000); t < end; t += 20_000 + random.Next(25_000))
            {
                var fraud = c % 5 == 0 && random.NextDouble() < 0.05;
                var amount = fraud ? 300 + random.Next(700) : 5 + random.Next(120);
                var category = fraud ? "shopping_net" : "grocery_pos";
                rows.Add(new SparkovRecord(
                    fraud ? t - (t % 86400) + 3600 : t, $"{c}-{t}", pan, category, amount, "fraud_Shop, Inc", 40 + (c / 10.0), -74, fraud));
            }
        }

        return [.. rows.OrderBy(r => r.UnixTime)];
    }
}
