using EdgeAgent.Shared.Security;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Security;

/// <summary>
/// Who may change the running agent over HTTP: a request that carries the bearer token of
/// <see cref="ControlPlaneOptions.TokenFile"/>, comes from this host (unless <see cref="ControlPlaneOptions.AllowRemote"/>)
/// and is not a cross-site browser request. No cookies are read and no CORS headers are sent, so a web page cannot
/// make a browser call these endpoints with credentials, and the Origin and Sec-Fetch-Site checks refuse it outright.
/// </summary>
public sealed class ControlPlaneAuth(IOptions<ControlPlaneOptions> options, ILogger<ControlPlaneAuth> logger)
{
    /// <summary>Shortest token accepted: 192 bits of base64.</summary>
    public const int MinimumTokenLength = BearerTokenFile.MinimumLength;

    private readonly BearerTokenFile _token = new("the control plane", "ControlPlane:TokenFile", () => options.Value.TokenFile, logger);

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

        return _token.Refusal(context.Request.Headers.Authorization.ToString()) is { } reason ? (StatusCodes.Status401Unauthorized, reason) : null;
    }

    /// <summary>A browser request from another origin: an Origin header not this host's, or Sec-Fetch-Site other than same-origin/none.</summary>
    public static bool IsCrossSite(HttpRequest request) =>
        CrossSiteRequest.Is(request.Headers["Sec-Fetch-Site"].ToString(), request.Headers.Origin.ToString(), request.Scheme, request.Host.Value ?? "");

    private static bool IsLocal(ConnectionInfo connection) =>
        connection.RemoteIpAddress is { } address && Mqtt.Security.BrokerExposure.IsLoopback(address);
}
