using System.Security.Cryptography;
using EdgeAgent.Core.Tokenization;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Security;

/// <summary>Finds the tokenization key: configured inline, in a key file, or generated once for this node.</summary>
public static partial class TokenizationKeyLoader
{
    public const string GeneratedKeyFileName = "tokenization.key";

    public static CardTokenizer CreateTokenizer(TokenizationOptions options, string dataPath, ILogger logger)
    {
        var key = Load(options, dataPath, logger);
        try
        {
            return new CardTokenizer(key, options.KeyId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] Load(TokenizationOptions options, string dataPath, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.Key))
        {
            return Decode(options.Key, "Tokenization:Key");
        }

        if (!string.IsNullOrWhiteSpace(options.KeyFile))
        {
            if (!File.Exists(options.KeyFile))
            {
                throw new OptionsValidationException(TokenizationOptions.SectionName, typeof(TokenizationOptions),
                    [$"Tokenization:KeyFile names {options.KeyFile}, which does not exist"]);
            }

            return Decode(File.ReadAllText(options.KeyFile).Trim(), $"the key file {options.KeyFile}");
        }

        var generated = Path.Combine(dataPath, GeneratedKeyFileName);
        if (File.Exists(generated))
        {
            return Decode(File.ReadAllText(generated).Trim(), $"the key file {generated}");
        }

        Directory.CreateDirectory(dataPath);
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(generated, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(generated, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        LogGenerated(logger, generated);
        return key;
    }

    private static byte[] Decode(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new OptionsValidationException(TokenizationOptions.SectionName, typeof(TokenizationOptions),
                [$"{source} is not base64"]);
        }

        if (key.Length < CardTokenizer.MinimumKeyBytes)
        {
            throw new OptionsValidationException(TokenizationOptions.SectionName, typeof(TokenizationOptions),
                [$"{source} holds {key.Length} bytes; a tokenization key needs at least {CardTokenizer.MinimumKeyBytes}"]);
        }

        return key;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Generated a tokenization key for this node at {Path}. Nodes whose card tokens must match need the same key (Tokenization:KeyFile).")]
    private static partial void LogGenerated(ILogger logger, string path);
}
