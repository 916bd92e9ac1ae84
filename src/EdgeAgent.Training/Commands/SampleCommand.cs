using System.Globalization;
using System.Text;
using EdgeAgent.Sparkov;
using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Sampling;

namespace EdgeAgent.Training.Commands;

/// <summary>
/// <c>sample</c>: copies every row of some cards (or all of them) between two dates, in time order and in the
/// same CSV format, for the simulator and the demo. Whole cards, not random rows: per-card features need a
/// card's history; all cards, when terminal features need a store's whole traffic (the bundled sample).
/// </summary>
public static class SampleCommand
{
    public static int Run(CommandArguments args, TextWriter log)
    {
        var data = args.Required("data");
        var output = args.Required("out");
        var cardsText = args.Text("cards", "40");
        var allCards = cardsText == "all";
        var cards = allCards ? int.MaxValue : int.TryParse(cardsText, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var from = args.Date("from", new DateOnly(2023, 11, 1));
        var until = args.Date("until", DateOnly.MaxValue);
        var seed = args.Whole("seed", 7);
        args.EnsureAllRead();
        if (!File.Exists(data))
        {
            throw new UsageException($"No data file at '{data}'.");
        }

        if (cards < 1)
        {
            throw new UsageException("--cards is a number of at least 1, or all.");
        }

        if (until <= from)
        {
            throw new UsageException("--until comes after --from.");
        }

        var fromUnix = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        var untilUnix = until == DateOnly.MaxValue ? long.MaxValue : new DateTimeOffset(until.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        var rows = new List<SparkovRecord>();
        var hasFraud = new Dictionary<string, bool>(StringComparer.Ordinal);
        using (var reader = DataFiles.OpenText(data))
        {
            foreach (var record in SparkovCsv.Read(reader).Where(r => r.UnixTime >= fromUnix && r.UnixTime < untilUnix))
            {
                rows.Add(record);
                hasFraud[record.CardNumber] = hasFraud.GetValueOrDefault(record.CardNumber) || record.IsFraud;
            }
        }

        var chosen = (allCards ? hasFraud.Keys.ToList() : CardSampler.Choose(hasFraud, cards, seed)).ToHashSet(StringComparer.Ordinal);
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
