using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Training.Data;

/// <summary>
/// The tokenizer used when replaying history. Features never read the token's value, only whether two
/// payments share it, so any fixed key gives the same features; a fixed one keeps replays reproducible
/// and keeps the real fleet key out of training.
/// </summary>
public static class TrainingTokenizer
{
    public const string KeyId = "train";

    public const string KeySeed = "edgeagent-training";

    /// <summary>A tokenizer keyed with SHA-256 of <see cref="KeySeed"/>.</summary>
    public static CardTokenizer Create() => new(SHA256.HashData(Encoding.UTF8.GetBytes(KeySeed)), KeyId);
}
