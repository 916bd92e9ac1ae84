using System.CommandLine;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Cards;
using EdgeAgent.Training.Data;

namespace EdgeAgent.Training.Commands;

/// <summary>
/// <c>keys --out</c> makes the training key pair that signs model cards; <c>keys --sign</c> signs cards that already
/// exist (the shipped models after a key rotation), each only after checking that its model file still has the
/// card's SHA-256, since the signature vouches for that file.
/// </summary>
public static class KeysCommand
{
    /// <summary>The <c>keys</c> command and its options.</summary>
    public static Command Command()
    {
        var command = new Command("keys", "makes the training key pair that signs model cards (--out), or signs existing cards (--signing-key with --sign)");
        command.Options.Add(new Option<string>("--out") { Description = "the private key's file to create; the public key is written beside it as <name>.pub.pem" });
        command.Options.Add(new Option<string>("--signing-key") { Description = "the private key that signs the cards given with --sign" });
        command.Options.Add(new Option<string>("--sign") { Description = "model cards to sign, separated by commas" });
        return command;
    }

    public static int Run(ParseResult arguments, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var signingKey = arguments.GetValue<string>("--signing-key") ?? "";
        var sign = arguments.GetValue<string>("--sign") ?? "";
        var path = arguments.GetValue<string>("--out") ?? "";
        if (path.Length > 0 && signingKey.Length == 0 && sign.Length == 0)
        {
            var keyId = SigningKeys.Create(path);
            output.WriteLine($"signing key {keyId}: private key {Path.GetFullPath(path)} (mode 0600; keep it off the repository and the nodes), "
                + $"public key {Path.GetFullPath(SigningKeys.PublicPath(path))} (Inference:ModelSigningKeys)");
            return 0;
        }

        if (path.Length > 0 || signingKey.Length == 0 || sign.Length == 0)
        {
            throw new ArgumentException("keys takes either --out <private.pem>, or --signing-key <private.pem> with --sign <cards>.");
        }

        using var key = SigningKeys.ReadPrivate(signingKey);
        foreach (var card in sign.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Sign(card, key, output);
        }

        return 0;
    }

    private static void Sign(string cardPath, System.Security.Cryptography.ECDsa key, TextWriter output)
    {
        if (!File.Exists(cardPath))
        {
            throw new ArgumentException($"No model card at '{cardPath}'.");
        }

        var json = File.ReadAllText(cardPath);
        var card = ModelCardJson.Parse(json);
        var onnx = Path.Combine(Path.GetDirectoryName(cardPath) ?? ".", card.File);
        if (!File.Exists(onnx) || DataFiles.Sha256Of(File.ReadAllBytes(onnx)) != card.Sha256)
        {
            throw new ArgumentException($"'{cardPath}' names {card.File}, which is missing beside it or has another SHA-256: not signed.");
        }

        File.WriteAllText(cardPath, ModelCardSigning.Sign(json, key));
        output.WriteLine($"signed {cardPath} with key {ModelCardSigning.KeyId(key)}");
    }
}
