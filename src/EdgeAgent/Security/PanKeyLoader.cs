using System.Security.Cryptography;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Payments.Encryption;

namespace EdgeAgent.Security;

/// <summary>
/// Loads the node's card number keys (<see cref="PanEncryptionOptions"/>) into the parser's decryptor at start: a key
/// file that is missing or not a P-256 private key stops the start with the setting named, never the first payment.
/// </summary>
public static partial class PanKeyLoader
{
    private const UnixFileMode OthersMayAccess =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static PanDecryptor CreateDecryptor(PanEncryptionOptions options, ValidationOptions validation, ILogger logger)
    {
        if (string.IsNullOrWhiteSpace(options.KeyFile))
        {
            LogNoKey(logger, validation.ClearPan);
            return PanDecryptor.None;
        }

        var keys = new List<ECParameters> { Load(options.KeyFile, "PanEncryption:KeyFile", logger) };
        if (!string.IsNullOrWhiteSpace(options.PreviousKeyFile))
        {
            keys.Add(Load(options.PreviousKeyFile, "PanEncryption:PreviousKeyFile", logger));
        }

        try
        {
            var decryptor = new PanDecryptor(keys);
            if (decryptor.KeyIds.Count > 1 && decryptor.KeyIds[0] == decryptor.KeyIds[1])
            {
                decryptor.Dispose();
                throw PanKeyFile.Refusal("PanEncryption:PreviousKeyFile holds the same key as PanEncryption:KeyFile");
            }

            LogKeys(logger, decryptor.KeyIds[0], decryptor.KeyIds.Count > 1 ? decryptor.KeyIds[1] : "none", validation.ClearPan);
            return decryptor;
        }
        finally
        {
            foreach (var key in keys)
            {
                CryptographicOperations.ZeroMemory(key.D);
            }
        }
    }

    private static ECParameters Load(string path, string setting, ILogger logger)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & OthersMayAccess) != 0)
        {
            LogOpenMode(logger, setting, path);
        }

        return PanKeyFile.Read(path, setting);
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Card number key {KeyId} (previous key {PreviousKeyId}); a card number in clear is accepted: {ClearPan}")]
    private static partial void LogKeys(ILogger logger, string keyId, string previousKeyId, ClearPanMode clearPan);

    [LoggerMessage(EventId = 311, Level = LogLevel.Information, Message = "No card number key (PanEncryption:KeyFile): encrypted card numbers are refused; a card number in clear is accepted: {ClearPan}")]
    private static partial void LogNoKey(ILogger logger, ClearPanMode clearPan);

    [LoggerMessage(EventId = 312, Level = LogLevel.Warning, Message = "{Setting}: {Path} may be read by other users; make it mode 0600 (or 0400) and owned by the agent")]
    private static partial void LogOpenMode(ILogger logger, string setting, string path);
}
