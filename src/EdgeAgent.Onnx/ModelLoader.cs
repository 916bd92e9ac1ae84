using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Onnx.Explanation;
using Microsoft.ML.OnnxRuntime;

namespace EdgeAgent.Onnx;

/// <summary>
/// Loads a model only after checking it against its card and the agent's feature schema: card readable,
/// schema version and feature list equal, file present with the card's SHA-256, graph inputs and outputs as
/// the card says, and one warm-up run at batch 1 and at the largest batch, with one explanation. Any disagreement
/// refuses the model with every difference named.
/// </summary>
public static class ModelLoader
{
    /// <summary>Card files end with this suffix; the model name is the file name without it.</summary>
    public const string CardSuffix = ".card.json";

    /// <summary>ONNX Runtime's native library, as it is named in every package and image the agent ships with.</summary>
    public const string OnnxRuntimeLibrary = "libonnxruntime.so";

    /// <summary>Resolves the models folder: absolute as given, else next to the agent if present there, else from the working folder.</summary>
    public static string ResolveModelsPath(string configured) => ResolvePath(configured);

    /// <summary>Resolves a configured file or folder: absolute as given, else next to the agent if present there, else from the working folder.</summary>
    public static string ResolvePath(string configured)
    {
        if (Path.IsPathRooted(configured))
        {
            return configured;
        }

        var besideAgent = Path.Combine(AppContext.BaseDirectory, configured);
        return Directory.Exists(besideAgent) || File.Exists(besideAgent) ? besideAgent : Path.GetFullPath(configured);
    }

    /// <summary>Reads and parses a model's card.</summary>
    public static ModelCard ReadCard(string modelsPath, string model) => ModelCardJsonOf(model, CardPath(modelsPath, model), ReadCardText(modelsPath, model));

    /// <summary>
    /// Checks a model without loading it into ONNX Runtime: card, signature, feature schema and the file's SHA-256.
    /// Returns the card and the model file's bytes (the bytes that were hashed, so that what loads is what was checked).
    /// </summary>
    public static (ModelCard Card, byte[] Onnx) Verify(string modelsPath, string model, InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cardPath = CardPath(modelsPath, model);
        var text = ReadCardText(modelsPath, model);
        var card = ModelCardJsonOf(model, cardPath, text);
        var problems = new List<string>();
        string? reason = null;
        using (var trust = ModelTrust.From(options))
        {
            if (trust.Check(text, out _) is { } refused)
            {
                reason = refused.Reason;
                problems.Add(refused.Problem);
            }
        }

        problems.AddRange(ModelCardCheck.AgainstFeatureSchema(card));
        var onnxPath = Path.Combine(modelsPath, card.File);
        byte[] onnx = [];
        if (Path.GetFileName(card.File) != card.File)
        {
            problems.Add($"the card names {card.File}, which is not a file beside the card");
        }
        else if (!File.Exists(onnxPath))
        {
            problems.Add($"the card names {card.File}, which is not in {modelsPath}");
        }
        else
        {
            onnx = File.ReadAllBytes(onnxPath);
            var sha = Convert.ToHexStringLower(SHA256.HashData(onnx));
            if (!string.Equals(sha, card.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                reason ??= ModelRefusalReasons.FileAltered;
                problems.Add($"sha256 of {card.File} is {sha}, the card says {card.Sha256} (file changed or corrupted)");
            }
        }

        if (problems.Count > 0)
        {
            throw new ModelLoadException(model, problems, reason ?? ModelRefusalReasons.Invalid);
        }

        return (card, onnx);
    }

    public static OnnxScorer Load(string modelsPath, string model, InferenceOptions options)
    {
        // Nothing from the model file reaches ONNX Runtime before the card's signature and the file's SHA-256 are checked.
        var (card, onnx) = Verify(modelsPath, model, options);
        var onnxPath = Path.Combine(modelsPath, card.File);
        var problems = new List<string>();
        InferenceSession session;
        ProviderChoice provider;
        try
        {
            (session, provider) = SessionFactory.Create(onnx, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException(model, $"{card.File} is not a model ONNX Runtime can load ({ex.Message})", ex);
        }

        problems.AddRange(CheckGraph(session, card));
        if (problems.Count > 0)
        {
            session.Dispose();
            throw new ModelLoadException(model, problems);
        }

        var scorer = new OnnxScorer(session, card, provider, options.MaxBatchSize, onnxPath);
        try
        {
            scorer.UseExplainer(Explainers.For(scorer, onnx, card), card.Reference?.Baseline);
            WarmUp(scorer);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or ArgumentException or InvalidOperationException or Google.Protobuf.InvalidProtocolBufferException)
        {
            scorer.Dispose();
            throw new ModelLoadException(model, $"the warm-up run failed ({ex.Message})", ex);
        }

        // What building the session and the warm-up freed stays resident in the C heap until it is handed back; the
        // library code that only building a session runs stays resident until it is let go.
        NativeHeap.ReturnFreePages();
        NativeLibraryCode.ReleaseResident(OnnxRuntimeLibrary);
        return scorer;
    }

    private static string CardPath(string modelsPath, string model) => Path.Combine(modelsPath, model + CardSuffix);

    private static string ReadCardText(string modelsPath, string model)
    {
        var cardPath = CardPath(modelsPath, model);
        if (Path.GetFileName(model) != model || !File.Exists(cardPath))
        {
            throw new ModelLoadException(model, [$"no model card at {cardPath}"]);
        }

        return File.ReadAllText(cardPath);
    }

    private static ModelCard ModelCardJsonOf(string model, string cardPath, string text)
    {
        try
        {
            return ModelCardJson.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException(model, $"the card {cardPath} is not a valid model card ({ex.Message})", ex);
        }
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static IEnumerable<string> CheckGraph(InferenceSession session, ModelCard card)
    {
        var inputs = session.InputMetadata;
        if (inputs.Count != 1)
        {
            yield return $"the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Keys)}); the agent feeds exactly one";
        }

        if (!inputs.TryGetValue(card.Input.Name, out var input))
        {
            yield return $"the graph has no input '{card.Input.Name}' (it has {string.Join(", ", inputs.Keys)})";
        }
        else
        {
            if (input.ElementType != typeof(float))
            {
                yield return $"input '{card.Input.Name}' is {input.ElementType.Name}, not float32";
            }

            if (input.Dimensions.Length != 2 || (input.Dimensions[1] != FeatureSchema.Count && input.Dimensions[1] > 0))
            {
                yield return $"input '{card.Input.Name}' has shape [{string.Join(", ", input.Dimensions)}]; the agent feeds [batch, {FeatureSchema.Count}]";
            }
        }

        if (!session.OutputMetadata.TryGetValue(card.Output.Name, out var output))
        {
            yield return $"the graph has no output '{card.Output.Name}' (it has {string.Join(", ", session.OutputMetadata.Keys)})";
        }
        else
        {
            if (output.ElementType != typeof(float))
            {
                yield return $"output '{card.Output.Name}' is {output.ElementType.Name}, not float32";
            }

            if (output.Dimensions.Length != card.Output.Shape.Length)
            {
                yield return $"output '{card.Output.Name}' has rank {output.Dimensions.Length}; the card says {card.Output.Shape.Length}";
            }
        }
    }

    private static void WarmUp(OnnxScorer scorer)
    {
        Span<float> scores = stackalloc float[1];
        scorer.InputRows(1).Clear();
        scorer.Score(1, scores);
        var reasons = new Reason[ReasonCodes.MaxReasons];
        scorer.Explain(0, reasons);
        var batch = new float[scorer.MaxBatchSize];
        scorer.InputRows(scorer.MaxBatchSize).Clear();
        scorer.Score(scorer.MaxBatchSize, batch);
    }
}
