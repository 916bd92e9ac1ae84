using EdgeAgent.Fuzzing;
using SharpFuzz;

// afl++ runs: EdgeAgent.Fuzzing <payment|packet>, one input per run on standard input (scripts/fuzz.sh).
// A person replays inputs without afl: EdgeAgent.Fuzzing <payment|packet> <file or folder>...
if (args.Length == 0 || args[0] is not ("payment" or "packet"))
{
    Console.Error.WriteLine("usage: EdgeAgent.Fuzzing <payment|packet> [file or folder ...]");
    return 2;
}

Func<byte[], string> target = args[0] == "payment" ? bytes => Describe(PaymentTarget.Run(bytes)) : bytes => PacketTarget.Run(bytes).ToString();
if (args.Length == 1)
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        target(copy.ToArray());
    });
    return 0;
}

var failures = 0;
var files = args.Skip(1).SelectMany(path => Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories) : [path]);
foreach (var file in files.Order(StringComparer.Ordinal))
{
    try
    {
        var outcome = target(File.ReadAllBytes(file));
        Console.WriteLine($"ok    {file}: {outcome}");
    }
    catch (Exception ex)
    {
        failures++;
        Console.WriteLine($"FAIL  {file}: {ex.GetType().Name}: {ex.Message}");
        Console.WriteLine(ex.StackTrace);
    }
}

return failures == 0 ? 0 : 1;

static string Describe(EdgeAgent.Core.Payments.PaymentParseResult result) =>
    result.IsValid ? "valid" : "rejected " + string.Join(",", result.Errors.Select(e => e.Code).Distinct());
