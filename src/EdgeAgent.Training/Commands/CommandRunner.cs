using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Quantization;

namespace EdgeAgent.Training.Commands;

/// <summary>Dispatches the first argument to a command; usage errors exit 2 with the usage text.</summary>
public static class CommandRunner
{
    public const string Usage = """
        usage:
          train-gbt --data <csv|csv.gz> --out <folder>
                    [--name fraud-gbt] [--version 1.0.0] [--seed 42]
                    [--train 2023-01..2023-09] [--validation 2023-10] [--test 2023-11..2023-12]
                    [--trees 400] [--leaves 31] [--learning-rate 0.05] [--min-leaf-rows 50] [--l2 1]
                    [--review-rate 0.02] [--decline-rate 0.005]
                    [--layouts all|<name,...>] [--layout-seed 11] [--holdout-cards 0.3] [--card-seed 7]
                    [--fleet-stores 50,500|none] [--fleet-lags 0s,10s,1m,10m,1h] [--train-layout <name>]
          train-mlp --data <csv|csv.gz> --out <folder>
                    [--name fraud-mlp] [--version 1.0.0] [--seed 42]
                    [--train 2023-01..2023-09] [--validation 2023-10] [--test 2023-11..2023-12]
                    [--hidden1 64] [--hidden2 32] [--embedding 4] [--min-category-rows 1000]
                    [--category-dropout 0.1] [--epochs 30] [--patience 5]
                    [--batch-size 256] [--learning-rate 0.001] [--weight-decay 0.0001]
                    [--review-rate 0.02] [--decline-rate 0.005]
                    [--layouts all|<name,...>] [--layout-seed 11] [--holdout-cards 0.3] [--card-seed 7]
                    [--fleet-stores 50,500|none] [--fleet-lags 0s,10s,1m,10m,1h] [--train-layout <name>]
          quantize  --model <float.onnx> --out <folder/name-version.onnx> --calibration <csv|csv.gz>
                    [--method minmax|percentile] [--percentile 99.999]
                    [--calibration-rows 10000] [--seed 42]
                    [--train 2023-01..2023-09] [--validation 2023-10] [--test 2023-11..2023-12]
                    [--review-rate 0.02] [--decline-rate 0.005] [--layouts all|<name,...>] [--layout-seed 11]
          evaluate  --data <csv|csv.gz> [--models models] [--report <file.md>]
                    [--seconds 1] [--repeats 3] [--latency-calls 20000] [--warm-up 500]
                    [--train 2023-01..2023-09] [--validation 2023-10] [--test 2023-11..2023-12]
                    [--layouts all|<name,...>] [--layout-seed 11] [--fleet-stores 50,500|none] [--fleet-lags 0s,10s,1m,10m,1h]
          sample    --data <csv|csv.gz> --out <file.csv> [--cards 40|all] [--from 2023-11-01] [--until <date>] [--seed 7]
          keys      --out <private.pem>   (a new signing key pair; the public key is <private>.pub.pem)
          keys      --signing-key <private.pem> --sign <name.card.json>[,<name.card.json>...]
        train-gbt, train-mlp and quantize sign the card they write with --signing-key <private.pem>.
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? error : output).WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            var arguments = CommandArguments.Parse(args[1..]);
            return args[0] switch
            {
                "train-gbt" => TrainGbtCommand.Run(TrainGbtOptions.From(arguments), CommandLineText.Of(args), output),
                "train-mlp" => TrainMlpCommand.Run(TrainMlpOptions.From(arguments), CommandLineText.Of(args), output),
                "quantize" => QuantizeCommand.Run(QuantizeOptions.From(arguments), CommandLineText.Of(args), output),
                "evaluate" => EvaluateCommand.Run(arguments, CommandLineText.Of(args), output),
                "sample" => SampleCommand.Run(arguments, output),
                "keys" => KeysCommand.Run(arguments, output),
                _ => throw new UsageException($"Unknown command '{args[0]}'."),
            };
        }
        catch (UsageException ex)
        {
            error.WriteLine(ex.Message);
            error.WriteLine(Usage);
            return 2;
        }
        catch (QuantizationException ex)
        {
            // The model, not the command line, is at fault: say why without the usage text.
            error.WriteLine("quantize refused: " + ex.Message);
            return 1;
        }
    }
}
