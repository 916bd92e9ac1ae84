using System.Globalization;
using System.Text;
using EdgeAgent.Core.Samples;
using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Sampling;

namespace EdgeAgent.Training.Commands;

/// <summary>
/// <c>sample</c>: copies every row of a few cards from a date on, in time order and in the same CSV format,
/// for the simulator and the demo. Whole cards, not random rows: per-card features need a card's history.
/// </summary>
public static class SampleCommand
{
    public static int Run(CommandArguments args, TextWriter log)
    {
        var data = args.Required("data");
        var output = args.Required("out");
        var cards = args.Whole("cards", 40);
        var from = args.Date("from", new DateOnly(2023, 11, 1));
        var seed = args.Whole("seed", 7);
        args.EnsureAllRead();
        if (!File.Exists(data))
        {
            throw new UsageException($"No data file at '{data}'.");
        }

        if (cards < 1)
        {
            throw new UsageException("--cards is at least 1.");
        }

        var fromUnix = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        var rows = new List<SparkovRecord>();
        var hasFraud = new Dictionary<string, bool>(StringComparer.Ordinal);
        using (var reader = DataFiles.OpenText(data))
        {
            foreach (var record in SparkovCsv.Read(reader).Where(r => r.UnixTime >= fromUnix))
            {
                rows.Add(record);
                hasFraud[record.CardNumber] = hasFraud.GetValueOrDefault(record.CardNumber) || record.IsFraud;
            }
        }

        var chosen = CardSampler.Choose(hasFraud, cards, seed).ToHashSet(StringComparer.Ordinal);
        var sample = rows.Where(r => chosen.Contains(r.CardNumber)).OrderBy(r => r.UnixTime).ToList();
        Write(output, sample);

        log.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"wrote {sample.Count} rows of {chosen.Count} cards ({chosen.Count(c => hasFraud[c])} with fraud; {sample.Count(r => r.IsFraud)} fraud rows) from {from:yyyy-MM-dd} to {output}"));
        return 0;
    }

    private static void Write(string path, IEnumerable<SparkovRecord> rows)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        writer.WriteLine(SparkovCsv.Header);
        foreach (var row in rows)
        {
            writer.WriteLine(SparkovCsv.Format(row));
        }
    }
}
