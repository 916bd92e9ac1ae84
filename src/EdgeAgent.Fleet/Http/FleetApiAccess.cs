using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Fleet.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Fleet.Http;

/// <summary>
/// Who may read the fleet's API: a request with the bearer token of <c>Fleet:ApiTokenFile</c> that is not a
/// cross-site browser request, as the agent's control plane. No cookies are read and no CORS headers are sent, so
/// another web page cannot make an operator's browser read the fleet.
/// </summary>
internal sealed partial class FleetApiAccess(IOptions<FleetOptions> options, ILogger<FleetApiAccess> logger)
{
    /// <summary>Shortest token accepted: 192 bits of base64.</summary>
    public const int MinimumTokenLength = 32;

    private readonly Lock _lock = new();
    private byte[]? _tokenHash;
    private DateTime _tokenWritten;

    /// <summary>Null when the request is allowed; else its status code and why.</summary>
    public (int Status, string Reason)? Check(HttpContext context)
    {
        if (IsCrossSite(context.Request))
        {
            return (StatusCodes.Status403Forbidden, "cross-site requests are refused");
        }

        var expected = TokenHash();
        if (expected is null)
        {
            return (StatusCodes.Status401Unauthorized, "the fleet API has no token (Fleet:ApiTokenFile)");
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (StatusCodes.Status401Unauthorized, "a bearer token is required");
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, expected) ? null : (StatusCodes.Status401Unauthorized, "the bearer token is wrong");
    }

    private static bool IsCrossSite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return true;
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 && !string.Equals(origin, request.Scheme + "://" + request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>SHA-256 of the token, read again whenever the file changes (a rotated secret needs no restart).</summary>
    private byte[]? TokenHash()
    {
        var path = options.Value.ApiTokenFile;
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            return null;
        }

        var written = File.GetLastWriteTimeUtc(path);
        lock (_lock)
        {
            if (_tokenHash is not null && written == _tokenWritten)
            {
                return _tokenHash;
            }

            var token = File.ReadAllText(path).Trim();
            if (token.Length < MinimumTokenLength)
            {
                LogShortToken(logger, path, MinimumTokenLength);
                return null;
            }

            _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
            _tokenWritten = written;
            return _tokenHash;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The fleet API token in {Path} is shorter than {Length} characters and is not used")]
    private static partial void LogShortToken(ILogger logger, string path, int length);
}
