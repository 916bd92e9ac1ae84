using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Hosting;
using Microsoft.Extensions.Configuration;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>
/// <c>EdgeAgent.Simulator pipelines [--Evaluation:Quick=true] [--Evaluation:Output=folder]</c>: the same labelled payments,
/// model and features through the edge, stream and batch pipelines, then the ablation on the edge; writes
/// <c>report.md</c>, <c>results.json</c> and three SVG charts. Exit code 0 when every pipeline answered every payment of
/// the scoring pass with the same score.
/// </summary>
public static class PipelinesCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task<int> RunAsync(string[] settings, TextWriter progress, CancellationToken cancellationToken)
    {
        var configuration = AgentConfiguration.Build(settings);
        var options = new EvaluationOptions();
        configuration.GetSection(EvaluationOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        options.ApplyQuick();
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        var rates = options.StepRates();
        if (!rates.Any(r => Math.Abs(r - options.ReferenceRate) < 1e-9))
        {
            throw new ArgumentException($"Evaluation:ReferenceRate ({options.ReferenceRate}) must be one of Evaluation:Rates ({options.Rates}).");
        }

        var started = DateTimeOffset.UtcNow;
        var machine = MachineDescription.Current();
        var output = Path.GetFullPath(options.Output);
        var work = Path.Combine(output, "work");
        Directory.CreateDirectory(output);
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        progress.WriteLine($"Pipelines on {machine}; load average {machine.LoadAverage}; writing to {output}");

        // One key for every agent of the run, so that a card has the same token, hence the same history, in each.
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var sample = PaymentSample.Load(options.SamplePath);
        var runner = new PipelineRunner(options, sample, work, key, progress);
        var results = new List<ArchitectureResult>();
        foreach (var architecture in Architecture.All(options))
        {
            results.Add(await runner.RunAsync(architecture, cancellationToken));
        }

        var ablation = options.Ablation ? await runner.AblateAsync(cancellationToken) : [];
        var checks = ScoreCheck.Compare(results);
        var report = new EvaluationReport
        {
            Machine = machine,
            Command = "dotnet run -c Release --project src/EdgeAgent.Simulator -- pipelines " + string.Join(' ', settings),
            Options = options,
            Results = results,
            ScoreChecks = checks,
            Ablation = ablation,
            Started = started,
            Duration = DateTimeOffset.UtcNow - started,
            LoadAverageAtEnd = MachineDescription.LoadAverageNow(),
        };
        await File.WriteAllTextAsync(Path.Combine(output, EvaluationReport.FileName), report.ToMarkdown(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(output, "results.json"), JsonSerializer.Serialize(
            new { machine, options, results, scoreChecks = checks, ablation }, Indented), cancellationToken);
        PipelineCharts.Write(output, results, options.ReferenceRate);
        var passed = checks.All(c => c.Passed);
        if (passed)
        {
            Directory.Delete(work, recursive: true);
        }

        progress.WriteLine();
        foreach (var r in results)
        {
            var reference = r.Reference;
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Architecture.Name,-7} p50 {reference?.P50Ms ?? double.NaN,9:0.###} ms  p99 {reference?.P99Ms ?? double.NaN,9:0.###} ms  max {reference?.MaxMs ?? double.NaN,9:0.###} ms at {options.ReferenceRate:0}/s;  sustained {r.SustainedRate,6:0}/s"));
        }

        foreach (var check in checks)
        {
            progress.WriteLine($"{check.Pipeline,-7} scores: {check.Equal} of {check.Expected} equal to {results[0].Architecture.Name}'s{(check.Passed ? "" : " — DIFFERENT")}");
        }

        progress.WriteLine($"Report: {Path.Combine(output, EvaluationReport.FileName)}");
        if (!passed)
        {
            // The agents' and links' logs say why a payment went unanswered or scored differently.
            progress.WriteLine($"Logs kept in {work}");
        }

        return passed ? 0 : 1;
    }
}
