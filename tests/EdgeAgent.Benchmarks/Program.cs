using BenchmarkDotNet.Running;
using EdgeAgent.Benchmarks;

if (args.Length > 0 && args[0] == "record-cost")
{
    return RecordCost.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "pipeline-cost")
{
    return PipelineCost.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
