using EdgeAgent.Fleet.Hosting;
using EdgeAgent.Shared.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Fleet.Http;

/// <summary>
/// Who may read the fleet's API: a request with the bearer token of <c>Fleet:ApiTokenFile</c> that is not a
/// cross-site browser request, as the agent's control plane. No cookies are read and no CORS headers are sent, so
/// another web page cannot make an operator's browser read the fleet.
/// </summary>
internal sealed class FleetApiAccess(IOptions<FleetOptions> options, ILogger<FleetApiAccess> logger)
{
    private readonly BearerTokenFile _token = new("the fleet API", "Fleet:ApiTokenFile", () => options.Value.ApiTokenFile, logger);

    /// <summary>Null when the request is allowed; else its status code and why.</summary>
    public (int Status, string Reason)? Check(HttpContext context)
    {
        var request = context.Request;
        if (CrossSiteRequest.Is(request.Headers["Sec-Fetch-Site"].ToString(), request.Headers.Origin.ToString(), request.Scheme, request.Host.Value ?? ""))
        {
            return (StatusCodes.Status403Forbidden, "cross-site requests are refused");
        }

        return _token.Refusal(request.Headers.Authorization.ToString()) is { } reason ? (StatusCodes.Status401Unauthorized, reason) : null;
    }
}
