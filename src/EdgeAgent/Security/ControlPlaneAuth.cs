using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Security;

/// <summary>
/// Who may change the running agent over HTTP: a request that carries the bearer token of
/// <see cref="ControlPlaneOptions.TokenFile"/>, comes from this host (unless <see cref="ControlPlaneOptions.AllowRemote"/>)
/// and is not a cross-site browser request. No cookies are read and no CORS headers are sent, so a web page cannot
/// make a browser call these endpoints with credentials, and the Origin and Sec-Fetch-Site checks refuse it outright.
/// </summary>
public sealed partial class ControlPlaneAuth(IOptions<ControlPlaneOptions> options, ILogger<ControlPlaneAuth> logger)
{
    /// <summary>Shortest token accepted: 192 bits of base64.</summary>
    public const int MinimumTokenLength = 32;

    private readonly Lock _lock = new();
    private byte[]? _tokenHash;
    private DateTime _tokenWritten;

    /// <summary>True when the request may see and change what the control plane guards (the status page's thresholds too).</summary>
    public bool IsAuthenticated(HttpContext context) => Check(context) is null;

    /// <summary>Null when the request is allowed; else its status code (401 or 403) and why.</summary>
    public (int Status, string Reason)? Check(HttpContext context)
    {
        if (IsCrossSite(context.Request))
        {
            return (StatusCodes.Status403Forbidden, "cross-site requests are refused");
        }

        if (!options.Value.AllowRemote && !IsLocal(context.Connection))
        {
            return (StatusCodes.Status403Forbidden, "control requests come from this host only (ControlPlane:AllowRemote)");
        }

        var expected = TokenHash();
        if (expected is null)
        {
            return (StatusCodes.Status401Unauthorized, "the control plane has no token (ControlPlane:TokenFile)");
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (StatusCodes.Status401Unauthorized, "a bearer token is required");
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, expected)
            ? null
            : (StatusCodes.Status401Unauthorized, "the bearer token is wrong");
    }

    /// <summary>A browser request from another origin: an Origin header not this host's, or Sec-Fetch-Site other than same-origin/none.</summary>
    public static bool IsCrossSite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return true;
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 && !string.Equals(origin, request.Scheme + "://" + request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsLocal(ConnectionInfo connection) =>
        connection.RemoteIpAddress is { } address && Mqtt.Security.BrokerExposure.IsLoopback(address);

    /// <summary>SHA-256 of the token, read again whenever the file changes (a rotated Kubernetes secret needs no restart).</summary>
    private byte[]? TokenHash()
    {
        var path = options.Value.TokenFile;
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

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "The control-plane token in {Path} is shorter than {Length} characters and is not used")]
    private static partial void LogShortToken(ILogger logger, string path, int length);
}
