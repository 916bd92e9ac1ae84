using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Hosting;
using EdgeAgent.Onnx;

namespace EdgeAgent.Commands;

/// <summary>
/// <c>EdgeAgent selfcheck</c>: loads the configured model with all its checks, runs one synthetic payment
/// through the same parser, features and scorer as the agent, and prints what happened. Touches no data
/// folder and no network: it proves a build (or an image on a new platform) can score.
/// </summary>
public static class SelfCheckCommand
{
    private static readonly byte[] SyntheticPayment = Encoding.UTF8.GetBytes("""
        {"transactionId":"selfcheck-1","timestamp":"2026-01-15T22:41:07+01:00","amount":249.90,"currency":"EUR",
         "pan":"4111111111111111","mcc":"5311","channel":"ecommerce","merchantId":"selfcheck","location":{"lat":48.85,"lon":2.35}}
        """);

    public static int Run(string[] settings)
    {
        var configuration = AgentConfiguration.Build(settings);
        var inference = new InferenceOptions();
        configuration.GetSection(InferenceOptions.SectionName).Bind(inference);
        try
        {
            var modelsPath = ModelLoader.ResolveModelsPath(inference.ModelsPath);
            using var scorer = ModelLoader.Load(modelsPath, inference.Model, inference);
            var tokenizer = new CardTokenizer(RandomNumberGenerator.GetBytes(32), "check");
            var parser = new PaymentParser(tokenizer, new ValidationOptions(), "pos", TimeProvider.System);
            var parsed = parser.Parse("pos/selfcheck/t1/payments", SyntheticPayment);
            if (parsed.Event is not { } payment)
            {
                Console.Error.WriteLine("self-check failed: the synthetic payment was rejected: " + parsed.Errors[0].Message);
                return 1;
            }

            var extractor = new FeatureExtractor(new FeatureState());
            extractor.ComputeAndApply(payment, scorer.InputRows(1));
            Span<float> score = stackalloc float[1];
            scorer.Score(1, score);
            var decision = scorer.Thresholds.Decide(score[0]);
            Console.WriteLine($"EdgeAgent {Telemetry.AgentStatus.Version} self-check passed");
            Console.WriteLine($"  runtime   {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription} {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}");
            Console.WriteLine($"  model     {scorer.Model} ({scorer.Card.Kind}) from {modelsPath}");
            Console.WriteLine($"  provider  {scorer.Provider.Name} ({scorer.Provider.Reason}); compiled: {string.Join(", ", SessionFactory.CompiledProviders())}");
            Console.WriteLine($"  payment   score {score[0]:0.000000} -> {AnswerWriter.DecisionName(decision)}");
            return 0;
        }
        catch (ModelLoadException ex)
        {
            Console.Error.WriteLine("self-check failed: " + ex.Message);
            return 1;
        }
    }
}
