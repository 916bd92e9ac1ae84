using System.Threading.RateLimiting;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Telemetry;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Security;

/// <summary>
/// The HTTP control plane: <c>GET /models</c> (read-only, open) and <c>POST /models/{name}/activate</c>, which needs
/// <see cref="ControlPlaneAuth"/> and is rate-limited per client address, as every endpoint that changes state
/// guarded with <see cref="RequireControlPlane"/> will be.
/// </summary>
public static class ControlEndpoints
{
    /// <summary>The rate-limiter policy of the control endpoints.</summary>
    public const string RateLimitPolicy = "control";

    /// <summary>Registers the options, the authentication and the rate limiter.</summary>
    public static IServiceCollection AddControlPlane(this IServiceCollection services)
    {
        services.AddOptions<ControlPlaneOptions>().BindConfiguration(ControlPlaneOptions.SectionName, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ControlPlaneAuth>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(RateLimitPolicy, context =>
            {
                var permits = context.RequestServices.GetRequiredService<IOptions<ControlPlaneOptions>>().Value.PermitsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
        });
        return services;
    }

    /// <summary>Maps the model endpoints; call once, from the agent's endpoint mapping.</summary>
    public static void MapControlEndpoints(this WebApplication app)
    {
        app.UseRateLimiter();
        app.MapGet("/models", (IServiceProvider services) =>
            services.GetService<IModelControl>() is { } models
                ? Results.Json(new ModelList(models.ActiveName, models.Active.ToString(), models.Provider, models.Available), HttpJson.Default.ModelList)
                : Results.NotFound());
        app.MapPost("/models/{name}/activate", async (string name, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            if (services.GetService<IModelControl>() is not { } models)
            {
                return Results.NotFound();
            }

            var result = await models.ActivateAsync(name, cancellationToken);
            var body = new ModelSwitch(result.Switched, result.Active.ToString(), result.Reason);
            return Results.Json(body, HttpJson.Default.ModelSwitch, statusCode: result.Switched ? 200 : 409);
        }).RequireControlPlane();
    }

    /// <summary>Guards an endpoint that changes state: rate limit, then cross-site and origin checks, then the bearer token.</summary>
    public static RouteHandlerBuilder RequireControlPlane(this RouteHandlerBuilder endpoint) =>
        endpoint.RequireRateLimiting(RateLimitPolicy).AddEndpointFilter(async (context, next) =>
        {
            var auth = context.HttpContext.RequestServices.GetRequiredService<ControlPlaneAuth>();
            if (auth.Check(context.HttpContext) is { } refusal)
            {
                if (refusal.Status == StatusCodes.Status401Unauthorized)
                {
                    context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
                }

                return Results.Text(refusal.Reason, statusCode: refusal.Status);
            }

            return await next(context);
        });
}
