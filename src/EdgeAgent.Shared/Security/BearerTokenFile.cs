using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Shared.Security;

/// <summary>
/// A bearer token kept in a file (a mounted secret) and the check of a request's Authorization header against it.
/// Only the token's SHA-256 is kept, compared in fixed time; the file is read again whenever it changes, so a rotated
/// secret needs no restart. A token shorter than <see cref="MinimumLength"/> is not used: the guarded endpoints then
/// refuse everyone, as with no file at all.
/// </summary>
/// <param name="owner">What the token guards, for the reasons and the log ("the control plane", "the fleet API").</param>
/// <param name="setting">The setting that names the file, for the reasons.</param>
/// <param name="path">The file's path, read at each check so that a reloaded setting takes effect.</param>
/// <param name="logger">Where a token too short to use is reported.</param>
public sealed partial class BearerTokenFile(string owner, string setting, Func<string?> path, ILogger logger)
{
    /// <summary>Shortest token accepted: 192 bits of base64.</summary>
    public const int MinimumLength = 32;

    private const string Scheme = "Bearer ";

    private readonly Lock _lock = new();
    private byte[]? _tokenHash;
    private DateTime _tokenWritten;

    /// <summary>Null when <paramref name="authorization"/> (the header's value) carries the token; else why it is refused.</summary>
    public string? Refusal(string authorization)
    {
        var expected = TokenHash();
        if (expected is null)
        {
            return $"{owner} has no token ({setting})";
        }

        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return "a bearer token is required";
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, expected) ? null : "the bearer token is wrong";
    }

    private byte[]? TokenHash()
    {
        var file = path();
        if (string.IsNullOrWhiteSpace(file) || !File.Exists(file))
        {
            return null;
        }

        var written = File.GetLastWriteTimeUtc(file);
        lock (_lock)
        {
            if (_tokenHash is not null && written == _tokenWritten)
            {
                return _tokenHash;
            }

            var token = File.ReadAllText(file).Trim();
            if (token.Length < MinimumLength)
            {
                LogShortToken(logger, owner, file, MinimumLength);
                return null;
            }

            _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
            _tokenWritten = written;
            return _tokenHash;
        }
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "The token of {Owner} in {Path} is shorter than {Length} characters and is not used")]
    private static partial void LogShortToken(ILogger logger, string owner, string path, int length);
}
