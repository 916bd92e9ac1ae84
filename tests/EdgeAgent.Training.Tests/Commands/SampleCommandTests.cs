using EdgeAgent.Sparkov;
using EdgeAgent.Training.Commands;
using EdgeAgent.Training.Tests.Data;
using Xunit;

namespace EdgeAgent.Training.Tests.Commands;

public sealed class SampleCommandTests
{
    private const long Oct31 = 1698710400; // 2023-10-31T00:00:00Z
    private const long Nov1 = 1698796800;

    [Fact]
    public void Writes_every_row_of_the_chosen_cards_from_the_date_in_time_order()
    {
        using var folder = new TempDirectory();
        var cards = Enumerable.Range(0, 8).Select(i => "4000000000000" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var rows = new List<SparkovRecord>();
        for (var i = 0; i < cards.Count; i++)
        {
            rows.Add(SparkovRows.Row(Oct31 + i, cards[i], 10, fraud: true));
            rows.Add(SparkovRows.Row(Nov1 + 100 + i, cards[i], 20, fraud: i < 3, merchant: "fraud_Schaefer, Maggio and Daugherty"));
            rows.Add(SparkovRows.Row(Nov1 + 200 + i, cards[i], 30));
        }

        SyntheticCsv.Write(folder.File("data.csv.gz"), rows);
        var output = folder.File("nested/sample.csv");

        var exit = CommandRunner.Run(
            ["sample", "--data", folder.File("data.csv.gz"), "--out", output, "--cards", "4", "--from", "2023-11-01", "--seed", "7"],
            TextWriter.Null,
            TextWriter.Null);

        Assert.Equal(0, exit);
        using var reader = new StreamReader(output);
        var sample = SparkovCsv.Read(reader).ToList();
        Assert.Equal(8, sample.Count);
        Assert.All(sample, r => Assert.True(r.UnixTime >= Nov1));
        Assert.Equal(sample.OrderBy(r => r.UnixTime).Select(r => r.TransactionNumber), sample.Select(r => r.TransactionNumber));
        var chosen = sample.Select(r => r.CardNumber).Distinct().ToList();
        Assert.Equal(4, chosen.Count);

        // Fraud in the sampled period counts, not fraud before it: two of the three November fraud cards.
        Assert.Equal(2, chosen.Count(c => cards.IndexOf(c) < 3));
        Assert.Contains(sample, r => r.Merchant == "fraud_Schaefer, Maggio and Daugherty");
    }

    [Fact]
    public void Output_uses_the_data_files_format_byte_for_byte()
    {
        using var folder = new TempDirectory();
        var row = new SparkovRecord(Nov1, "abc", "4111111111111111", "misc_net", 51.20m, "fraud_Kuvalis Ltd", 43.245553, -84.10722, false);
        SyntheticCsv.Write(folder.File("data.csv"), [row]);

        CommandRunner.Run(["sample", "--data", folder.File("data.csv"), "--out", folder.File("s.csv"), "--cards", "1"], TextWriter.Null, TextWriter.Null);

        Assert.Equal(
            SparkovCsv.Header + "\n1698796800,abc,4111111111111111,misc_net,51.20,fraud_Kuvalis Ltd,43.245553,-84.10722,0\n",
            File.ReadAllText(folder.File("s.csv")));
    }
}
