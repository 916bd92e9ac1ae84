using System.Text;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Simulator;
using EdgeAgent.Sparkov;

namespace EdgeAgent.IntegrationTests;

/// <summary>
/// One feature code path: the features the live agent records for payments that came over MQTT as JSON are
/// exactly (bit for bit) those the training command computes from the same rows of the data set.
/// </summary>
public sealed class FeatureParityTests : IDisposable
{
    private const int Payments = 1500;
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    public void Dispose() => _data.Dispose();

    /// <summary>
    /// The training path's features for the rows, or null for a row the agent answers as a duplicate: the data
    /// repeats a few transaction ids at the same merchant, which by the contract is a retry, scored once.
    /// </summary>
    private static float[]?[] OfflineFeatures(IEnumerable<SparkovRecord> rows)
    {
        var offline = new FeatureExtractor(new FeatureState());
        var tokenizer = new CardTokenizer(TestKeys.TokenizationKeyBytes, "k1");
        var seen = new HashSet<(string, string)>();
        return rows.Select(row =>
        {
            if (!seen.Add((SparkovMapping.StoreId(row.Merchant), row.TransactionNumber)))
            {
                return null;
            }

            var features = new float[FeatureSchema.Count];
            offline.ComputeAndApply(SparkovMapping.ToEvent(row, tokenizer.Tokenize(Encoding.ASCII.GetBytes(row.CardNumber))), features);
            return features;
        }).ToArray();
    }

    // The answer timeout is generous: this test is about the features a replay gives, not how fast answers come on a
    // machine busy with other test projects (a fresh-clone run saw answers later than the load generator's default 10 s).
    private static Task<LoadReport> ReplayAsync(int port, PaymentSample sample, int count) =>
        new LoadGenerator(
            new LoadOptions { Port = port, Mode = LoadMode.Closed, Concurrency = 1, Terminals = 1, Count = count, FreshIds = false, ProgressSeconds = 0, AnswerTimeoutSeconds = 60 },
            sample,
            progress: null).RunAsync(CancellationToken.None);

    [Fact]
    public async Task AfterAKillWithoutSnapshot_TheJournalReplayGivesTheSameFeatures()
    {
        const int AfterKill = 300;
        var sample = PaymentSample.Load();

        // The simulated data repeats a few transaction ids at other merchants (other payments, since a payment is
        // identified per store); the kill is keyed on an id that occurs once.
        var beforeKill = 300;
        while (sample.Records.Take(beforeKill).Count(r => r.TransactionNumber == sample.Records[beforeKill - 1].TransactionNumber) > 1)
        {
            beforeKill++;
        }

        var rows = sample.Records.Take(beforeKill + AfterKill).ToList();
        var firstPart = Path.Combine(_data.Path, "first.csv");
        var secondPart = Path.Combine(_data.Path, "second.csv");
        File.WriteAllLines(firstPart, [SparkovCsv.Header, .. rows.Take(beforeKill).Select(SparkovCsv.Format)]);
        File.WriteAllLines(secondPart, [SparkovCsv.Header, .. rows.Skip(beforeKill).Select(SparkovCsv.Format)]);
        var dataPath = Path.Combine(_data.Path, "agent");
        string[] settings = [$"Mqtt:Port={_port}", "Inference:Provider=Cpu", "Pipeline:StateSnapshotSeconds=3600"];

        // No snapshot is due for an hour, so everything before the kill lives only in the journal of outcomes.
        await using (var doomed = await AgentProcess.StartAsync(dataPath, [.. settings, "Faults:KillAfter=Commit", $"Faults:TransactionId={rows[beforeKill - 1].TransactionNumber}"]))
        {
            var report = await ReplayAsync(_port, PaymentSample.Load(firstPart), beforeKill);

            // The kill follows the last payment's commit, and that payment's answer may still be in the broker's queue
            // to its connection then (its PUBACK waits for it either way): every answer before it came.
            Assert.InRange(report.Answered, beforeKill - 1, beforeKill);
            await doomed.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        await using (var restarted = await AgentProcess.StartAsync(dataPath, settings))
        {
            var recorded = rows.Take(beforeKill).Select(r => (SparkovMapping.StoreId(r.Merchant), r.TransactionNumber)).Distinct().Count();
            Assert.Contains($"{recorded} payments replayed from the journal", restarted.Output, StringComparison.Ordinal);
            var report = await ReplayAsync(_port, PaymentSample.Load(secondPart), AfterKill);
            Assert.Equal(AfterKill, report.Answered);
            await restarted.StopAsync(TimeSpan.FromSeconds(30));
        }

        var expected = OfflineFeatures(rows);
        using var record = new AgentRecord(dataPath);
        var live = record.Outcomes.ToDictionary(o => (o.StoreId!, o.TransactionId!));
        for (var i = 0; i < rows.Count; i++)
        {
            if (expected[i] is { } features)
            {
                Assert.Equal(features, live[(SparkovMapping.StoreId(rows[i].Merchant), rows[i].TransactionNumber)].Features!);
            }
        }
    }

    [Fact]
    public async Task LiveFeatures_EqualTrainingFeatures_ForTheSamePayments()
    {
        var sample = PaymentSample.Load();
        Assert.True(sample.Records.Count >= Payments, "the bundled sample is smaller than expected");
        await using (var agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Cpu"))
        {
            var report = await ReplayAsync(_port, sample, Payments);
            Assert.Equal(Payments, report.Answered);
            Assert.True(report.Rejected == 0, string.Join(",", agent.Metrics.RejectionsByCode().Where(c => c.Value > 0).Select(c => c.Key + "=" + c.Value)));
        }

        var rows = sample.Records.Take(Payments).ToList();
        var expected = OfflineFeatures(rows);
        var tokenizer = new CardTokenizer(TestKeys.TokenizationKeyBytes, "k1");
        using var record = new AgentRecord(_data.Path);
        var live = record.Outcomes.ToDictionary(o => (o.StoreId!, o.TransactionId!));
        var compared = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (expected[i] is not { } features)
            {
                continue;
            }

            var recorded = live[(SparkovMapping.StoreId(rows[i].Merchant), rows[i].TransactionNumber)];
            Assert.Equal(tokenizer.Tokenize(Encoding.ASCII.GetBytes(rows[i].CardNumber)), recorded.CardToken);
            Assert.Equal(features, recorded.Features!);
            compared++;
        }

        Assert.Equal(live.Count, compared);
    }
}
