using System.Diagnostics;
using System.Globalization;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>
/// Drives the pipelines with the load generator: for each, a fresh agent, the scoring pass (the sample's first payments
/// in order over one connection, so every pipeline builds the same card and merchant histories and must give the same
/// scores), then offered rates in ascending steps until one is not carried. Every run is measured the same way: latency
/// from intended send to answer, answers per second, CPU and memory of the processes involved.
/// </summary>
internal sealed class PipelineRunner
{
    private readonly EvaluationOptions _options;
    private readonly PaymentSample _sample;
    private readonly string _folder;
    private readonly string _tokenizationKey;
    private readonly TextWriter _progress;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public PipelineRunner(EvaluationOptions options, PaymentSample sample, string folder, string tokenizationKey, TextWriter progress)
    {
        _options = options;
        _sample = sample;
        _folder = folder;
        _tokenizationKey = tokenizationKey;
        _progress = progress;
    }

    public async Task<ArchitectureResult> RunAsync(Architecture architecture, CancellationToken cancellationToken)
    {
        Say($"{architecture.Name}: {architecture.Path}");
        await using var pipeline = await RunningPipeline.StartAsync(architecture.Name, _folder, _tokenizationKey, architecture.Link, [], cancellationToken,
            dataRoot: _options.DataFolder);

        // In order over one connection at ScoringRate: the agent reads a connection's next payment only once the previous
        // one is settled, so every pipeline builds the same histories in the same order, whatever its latency, and a
        // pipeline that holds payments (the batch window) is not paced by one payment per window. The pass checks scores,
        // not latency, and gives up only once no answer came for the answer timeout.
        var scoringLoad = Open(pipeline, _options.ScoringRate, _options.ScoringCount, terminals: 1);
        scoringLoad.WaitWhileAnswering = true;
        var (scoring, generator) = await LoadAsync(pipeline, scoringLoad, cancellationToken);
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < generator.Trace.Count; i++)
        {
            if (generator.Trace.Answered(i))
            {
                scores[generator.SampleTransactionId(i)] = generator.Trace.Score(i);
            }
        }

        Say($"{architecture.Name}: scoring pass, {scoring.Answered} of {scoring.Sent} answered, {scores.Values.Count(s => !double.IsNaN(s))} with a score; p50 {scoring.P50Ms:0.###} ms");

        var steps = new List<StepResult>();
        foreach (var rate in _options.StepRates())
        {
            var count = (int)Math.Max(10, rate * _options.StepSeconds);
            var (step, _) = await LoadAsync(pipeline, Open(pipeline, rate, count, _options.Terminals), cancellationToken);
            Say($"{architecture.Name}: {Describe(step)}");
            if (!step.Carried)
            {
                // Once more before giving up on a rate: on a shared machine one stall can pass for a queue.
                (step, _) = await LoadAsync(pipeline, Open(pipeline, rate, count, _options.Terminals), cancellationToken);
                step = step with { Retried = true };
                Say($"{architecture.Name}: {Describe(step)} (second try)");
            }

            steps.Add(step);
            if (!step.Carried)
            {
                break;
            }
        }

        return new ArchitectureResult
        {
            Architecture = architecture,
            ScoringSent = scoring.Sent,
            ScoringAnswered = scoring.Answered,
            Scores = scores,
            Steps = steps,
            Reference = steps.FirstOrDefault(s => Math.Abs(s.OfferedRate - _options.ReferenceRate) < 1e-9),
        };
    }

    /// <summary>The edge agent under each variant: a latency run at the ablation rate and a closed-loop capacity run.</summary>
    public async Task<IReadOnlyList<AblationResult>> AblateAsync(CancellationToken cancellationToken)
    {
        var results = new List<AblationResult>();
        foreach (var variant in AblationVariants.For(_options))
        {
            if (variant.NotRun is not null)
            {
                results.Add(new AblationResult { Variant = variant.Name, Settings = variant.Describe(), Against = variant.Against, NotRun = variant.NotRun });
                Say($"ablation {variant.Name}: not run ({variant.NotRun})");
                continue;
            }

            await using var pipeline = await RunningPipeline.StartAsync("ablation-" + results.Count, _folder, _tokenizationKey, null, variant.Settings, cancellationToken,
                variant.AgentDll, _options.DataFolder);
            await LoadAsync(pipeline, Open(pipeline, _options.AblationRate, (int)Math.Max(50, _options.AblationRate), _options.Terminals), cancellationToken);
            var (latency, _) = await LoadAsync(pipeline, Open(pipeline, _options.AblationRate, (int)(_options.AblationRate * _options.AblationSeconds), _options.Terminals), cancellationToken);
            var closed = Options(pipeline, _options.AblationCapacityCount, _options.Terminals);
            closed.Mode = LoadMode.Closed;
            closed.Concurrency = _options.AblationConcurrency;
            var report = await new LoadGenerator(closed, _sample, null).RunAsync(cancellationToken);
            results.Add(new AblationResult { Variant = variant.Name, Settings = variant.Describe(), Against = variant.Against, Latency = latency, Capacity = report.Throughput });
            Say($"ablation {variant.Name}: {Describe(latency)}; capacity {report.Throughput:0}/s with {_options.AblationConcurrency} outstanding");
        }

        return results;
    }

    private async Task<(StepResult Step, LoadGenerator Generator)> LoadAsync(RunningPipeline pipeline, LoadOptions load, CancellationToken cancellationToken)
    {
        var generator = new LoadGenerator(load, _sample, null);
        var pipelineBefore = pipeline.Sample();
        var selfBefore = ProcessSample.Self();
        var wall = Stopwatch.StartNew();
        await generator.RunAsync(cancellationToken);
        wall.Stop();
        var pipelineAfter = pipeline.Sample();
        var selfAfter = ProcessSample.Self();
        var machine = wall.Elapsed.TotalSeconds * Environment.ProcessorCount;
        double Percent(TimeSpan cpu) => 100 * cpu.TotalSeconds / machine;
        return (Measure(load.Rate, generator.Trace) with
        {
            AgentCpuPercent = Percent(pipelineAfter.Agent.Cpu - pipelineBefore.Agent.Cpu),
            LinkCpuPercent = Percent(pipelineAfter.Link.Cpu - pipelineBefore.Link.Cpu),
            TerminalsCpuPercent = Percent(selfAfter.Cpu - selfBefore.Cpu),
            PipelineMemoryMiB = (pipelineAfter.Agent.ResidentBytes + pipelineAfter.Link.ResidentBytes) / (1024.0 * 1024),
        }, generator);
    }

    private static StepResult Measure(double rate, PaymentTrace trace)
    {
        var inOrder = new List<double>(trace.Count);
        long first = long.MaxValue, last = 0;
        for (var i = 0; i < trace.Count; i++)
        {
            first = Math.Min(first, trace.IntendedTimestamp(i));
            if (trace.Answered(i))
            {
                inOrder.Add(trace.LatencyMs(i));
                last = Math.Max(last, trace.AnsweredTimestamp(i));
            }
        }

        var sorted = inOrder.Order().ToArray();
        var third = Math.Max(1, inOrder.Count / 3);
        return new StepResult
        {
            OfferedRate = rate,
            Sent = trace.Count,
            Answered = inOrder.Count,
            CarriedRate = last > first ? inOrder.Count / Stopwatch.GetElapsedTime(first, last).TotalSeconds : 0,
            SpanSeconds = last > first ? Stopwatch.GetElapsedTime(first, last).TotalSeconds : 0,
            P50Ms = Percentile(sorted, 0.50),
            P99Ms = Percentile(sorted, 0.99),
            MaxMs = sorted.Length > 0 ? sorted[^1] : double.NaN,
            FirstThirdMedianMs = Percentile([.. inOrder.Take(third).Order()], 0.5),
            LastThirdMedianMs = Percentile([.. inOrder.Skip(inOrder.Count - third).Order()], 0.5),
            SortedLatenciesMs = sorted,
        };
    }

    /// <summary>The nearest-rank percentile of ascending values; NaN when there are none.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double quantile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];

    private LoadOptions Open(RunningPipeline pipeline, double rate, int count, int terminals)
    {
        var load = Options(pipeline, count, terminals);
        load.Rate = rate;
        return load;
    }

    private LoadOptions Options(RunningPipeline pipeline, int count, int terminals) => new()
    {
        Port = pipeline.TerminalPort,
        Mode = LoadMode.Open,
        Count = count,
        Terminals = terminals,
        Warmup = 0,
        ProgressSeconds = 0,
        AnswerTimeoutSeconds = _options.AnswerTimeoutSeconds + _options.BatchSeconds,
    };

    private static string Describe(StepResult step) => string.Create(CultureInfo.InvariantCulture,
        $"{step.OfferedRate,6:0}/s offered, {step.CarriedRate,7:0}/s carried, p50 {step.P50Ms:0.###} p99 {step.P99Ms:0.###} max {step.MaxMs:0.###} ms, {step.Answered}/{step.Sent} answered, CPU agent {step.AgentCpuPercent:0.#} % + link {step.LinkCpuPercent:0.#} % (terminals {step.TerminalsCpuPercent:0.#} %) of {Environment.ProcessorCount} cores, {step.PipelineMemoryMiB:0} MiB{(step.QueueGrew ? ", queue grew" : "")}{(step.KeptUpRate < 0.9 * step.OfferedRate ? $", kept up with {step.KeptUpRate:0}/s" : "")}{(step.Carried ? "" : " (not carried)")}");

    private void Say(string line) =>
        _progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,5:0}s] {line}"));
}
