using System.Text.Json;
using EdgeAgent.Simulator.Pipelines;

namespace EdgeAgent.IntegrationTests;

/// <summary>
/// The pipeline evaluation in its quick mode, end to end: three real agents (one behind the delaying link, one behind the
/// batch window), the load generator against each, the ablation's agents. What is checked is what the report stands on:
/// every pipeline answered every payment of the scoring pass, with the same score as the edge, and the report, its data
/// and its charts are all written. The figures themselves are not checked: they are measurements.
/// </summary>
public sealed class PipelineEvaluationTests : IDisposable
{
    private readonly TempDirectory _output = new();

    public void Dispose() => _output.Dispose();

    /// <summary>The last lines of each agent's and link's log, kept by the command when a check failed.</summary>
    private string LogTails()
    {
        var work = Path.Combine(_output.Path, "work");
        if (!Directory.Exists(work))
        {
            return "";
        }

        var tails = new StringWriter();
        foreach (var log in Directory.EnumerateFiles(work, "*.log").Order(StringComparer.Ordinal))
        {
            tails.WriteLine();
            tails.WriteLine($"--- {Path.GetFileName(log)}, last lines:");
            foreach (var line in File.ReadLines(log).TakeLast(40))
            {
                tails.WriteLine(line);
            }
        }

        return tails.ToString();
    }

    [Fact]
    public async Task QuickRun_EveryPipelineAnswersEveryPaymentWithTheSameScores_AndTheReportIsWritten()
    {
        var progress = new StringWriter();

        var code = await PipelinesCommand.RunAsync(["--Evaluation:Quick=true", $"--Evaluation:Output={_output.Path}"], progress, CancellationToken.None);

        Assert.True(code == 0, progress + LogTails());
        using var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output.Path, "results.json")));
        var checks = results.RootElement.GetProperty("scoreChecks").EnumerateArray().ToList();
        Assert.Equal(["edge", "stream", "batch"], checks.Select(c => c.GetProperty("Pipeline").GetString()));
        foreach (var check in checks)
        {
            var expected = check.GetProperty("Expected").GetInt32();
            Assert.Equal(150, expected);
            Assert.Equal(expected, check.GetProperty("Answered").GetInt32());
            Assert.Equal(expected, check.GetProperty("Compared").GetInt32());
            Assert.Equal(expected, check.GetProperty("Equal").GetInt32());
            Assert.True(check.GetProperty("Scored").GetInt32() > 0);
        }

        foreach (var result in results.RootElement.GetProperty("results").EnumerateArray())
        {
            var steps = result.GetProperty("Steps").EnumerateArray().ToList();
            Assert.NotEmpty(steps);
            Assert.All(steps, s => Assert.Equal(s.GetProperty("Sent").GetInt32(), s.GetProperty("Answered").GetInt32()));
            Assert.Equal(JsonValueKind.Object, result.GetProperty("Reference").ValueKind);
        }

        var ablation = results.RootElement.GetProperty("ablation").EnumerateArray().ToList();
        Assert.Contains(ablation, a => a.GetProperty("Variant").GetString() == "shipped" && a.GetProperty("Capacity").GetDouble() > 0);
        Assert.Contains(ablation, a => a.GetProperty("Variant").GetString() == "micro-batching off" && a.GetProperty("Capacity").GetDouble() > 0);
        Assert.Contains(ablation, a => a.GetProperty("Variant").GetString() == "CUDA");

        var report = await File.ReadAllTextAsync(Path.Combine(_output.Path, EvaluationReport.FileName));
        Assert.Contains("## The three architectures", report, StringComparison.Ordinal);
        Assert.Contains("## Same payments, same scores", report, StringComparison.Ordinal);
        Assert.Contains("## Ablation on the edge pipeline", report, StringComparison.Ordinal);
        foreach (var name in new[] { "edge", "stream", "batch" })
        {
            Assert.Contains($"| {name} | 150 | 150 |", report, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("**differs**", report, StringComparison.Ordinal);
        foreach (var chart in new[] { PipelineCharts.Latency, PipelineCharts.Throughput, PipelineCharts.Cpu })
        {
            var svg = await File.ReadAllTextAsync(Path.Combine(_output.Path, chart));
            Assert.StartsWith("<svg", svg.TrimStart(), StringComparison.Ordinal);
            Assert.True(svg.Split("<polyline").Length - 1 >= 3, chart);
            Assert.Contains($"({chart})", report, StringComparison.Ordinal);
        }

        Assert.Contains("scores: 150 of 150 equal", progress.ToString(), StringComparison.Ordinal);
    }
}
