using System.CommandLine;
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
    /// <summary>The <c>sample</c> command and its options.</summary>
    public static Command Command()
    {
        var command = new Command("sample", "copies every row of some cards between two dates, for the simulator and the demo");
        CommonOptions.AddData(command);
        command.Options.Add(TrainingOption.Required("--out", "the CSV file to write"));
        command.Options.Add(TrainingOption.Parsed("--cards", "40", ParseCards, "how many cards, or all"));
        command.Options.Add(TrainingOption.Parsed("--from", "2023-11-01", ParseDate, "the first day (yyyy-MM-dd)"));
        command.Options.Add(TrainingOption.Parsed("--until", "", ParseDate, "the day after the last (yyyy-MM-dd; the end of the data if not given)"));
        command.Options.Add(TrainingOption.Whole("--seed", 7, "the seed that chooses the cards"));
        return command;
    }

    public static int Run(ParseResult args, TextWriter log)
    {
        var data = CommonOptions.DataFile(args);
        var output = args.GetValue<string>("--out")!;
        var cards = ParseCards(args.GetValue<string>("--cards")!);
        var allCards = cards == int.MaxValue;
        var from = ParseDate(args.GetValue<string>("--from")!);
        var until = ParseDate(args.GetValue<string>("--until")!);
        var seed = args.GetValue<int>("--seed");
        if (until <= from)
        {
            throw new ArgumentException("--until comes after --from.");
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

    /// <summary>A number of cards of at least 1, or <c>all</c> (<see cref="int.MaxValue"/>).</summary>
    private static int ParseCards(string text) =>
        text == "all" ? int.MaxValue
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n
        : throw new FormatException($"--cards is a number of at least 1, or all; '{text}' is not one.");

    /// <summary>A day as yyyy-MM-dd; none is the end of time.</summary>
    private static DateOnly ParseDate(string text) =>
        text.Length == 0 ? DateOnly.MaxValue : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

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
