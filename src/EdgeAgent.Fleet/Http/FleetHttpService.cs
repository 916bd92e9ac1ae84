using System.Net;
using System.Reflection;
using System.Text.Json;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;
using EdgeAgent.Fleet.View;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Fleet.Http;

/// <summary>
/// This silo's HTTP endpoint (<c>Fleet:HttpPort</c>): <c>/metrics</c> for Prometheus (open, as the agent's),
/// <c>/api/stores</c> and <c>/api/status</c> (bearer token), and the fleet page at <c>/</c>, which asks for the token
/// and reads <c>/api/stores</c>. Every silo reads the one fleet-view grain, so any silo answers the same.
/// </summary>
internal sealed partial class FleetHttpService(
    IGrainFactory grains,
    IOptions<FleetOptions> options,
    FleetMetrics metrics,
    FleetApiAccess access,
    RefusalLog refusals,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers,
    ILogger<FleetHttpService> logger) : BackgroundService
{
    private readonly FleetOptions _options = options.Value;
    private readonly (byte[] Html, string Policy) _page = Page(options.Value);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The view is a grain: nothing to serve before the silo has joined the cluster.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(_options.HttpAddress), _options.HttpPort));
        await using var app = builder.Build();
        app.MapGet("/metrics", (Delegate)MetricsAsync);
        app.MapGet("/api/stores", (Delegate)StoresAsync);
        app.MapGet("/api/status", (Delegate)StatusAsync);
        app.MapGet("/api/rollout", (Delegate)RolloutStatusAsync);
        app.MapPost("/api/rollout/{command}", (Delegate)RolloutCommandAsync);
        app.MapGet("/models/{file}", (Delegate)ModelFile);
        app.MapGet("/", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.ContentSecurityPolicy = _page.Policy;
            return Results.Bytes(_page.Html, "text/html; charset=utf-8");
        });
        await app.StartAsync(stoppingToken);
        LogListening(_options.HttpAddress, _options.HttpPort);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
    }

    private async Task<IResult> MetricsAsync(HttpContext context)
    {
        var stores = await View().StoresAsync();
        context.Response.Headers.CacheControl = "no-store";
        return Results.Text(FleetExposition.Write(stores, metrics.Totals()), "text/plain; version=0.0.4; charset=utf-8");
    }

    private async Task<IResult> StoresAsync(HttpContext context)
    {
        if (Refused(context) is { } refused)
        {
            return refused;
        }

        var stores = StoreJudge.WorstFirst(await View().StoresAsync());
        return Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(stores, FleetJson.Default.IReadOnlyListStoreView), "application/json");
    }

    private async Task<IResult> StatusAsync(HttpContext context)
    {
        if (Refused(context) is { } refused)
        {
            return refused;
        }

        var status = FleetStatus.Of(await View().StoresAsync(), _options, time.GetUtcNow());
        return Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(status, FleetJson.Default.FleetStatus), "application/json");
    }

    private async Task<IResult> RolloutStatusAsync(HttpContext context)
    {
        if (Refused(context) is { } refused)
        {
            return refused;
        }

        var entries = int.TryParse(context.Request.Query["audit"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 100;
        var status = await grains.GetGrain<IRolloutGrain>(IRolloutGrain.Key).StatusAsync(entries);
        return Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(status, FleetJson.Default.RolloutStatus), "application/json");
    }

    /// <summary><c>start</c> (body: name, version, sha256, url, optional canary), <c>promote</c>, <c>rollback</c> (body: optional reason).</summary>
    private async Task<IResult> RolloutCommandAsync(HttpContext context, string command)
    {
        if (Refused(context) is { } refused)
        {
            return refused;
        }

        var rollout = grains.GetGrain<IRolloutGrain>(IRolloutGrain.Key);
        var by = "api " + (context.Connection.RemoteIpAddress?.ToString() ?? "?");
        RolloutCommandRequest? request = null;
        if (context.Request.ContentLength is > 0 or null && context.Request.HasJsonContentType())
        {
            try
            {
                request = await context.Request.ReadFromJsonAsync(FleetJson.Default.RolloutCommandRequest, context.RequestAborted);
            }
            catch (JsonException)
            {
                request = null;
            }
        }

        RolloutAnswer answer;
        switch (command)
        {
            case "start" when request is { Name: { } name, Version: { } version, Sha256: { } sha256, Url: { } url }:
                answer = await rollout.StartAsync(new RolloutModel(name, version, sha256, url), request.Canary, by);
                break;
            case "promote":
                answer = await rollout.PromoteAsync(by);
                break;
            case "rollback":
                answer = await rollout.RollbackAsync(request?.Reason ?? "", by);
                break;
            default:
                metrics.RolloutRefused(RolloutRefusals.Malformed);
                refusals.RolloutRefused(RolloutRefusals.Malformed, "rollout " + (command.Length <= 32 ? command : command[..32]));
                answer = new RolloutAnswer(false, RolloutRefusals.Malformed, "rollout start takes a JSON body with name, version, sha256, url and optionally canary; promote and rollback take none", null);
                break;
        }

        var status = answer.Done ? StatusCodes.Status200OK
            : answer.Refusal is RolloutRefusals.Active or RolloutRefusals.NoneActive ? StatusCodes.Status409Conflict
            : answer.Refusal is RolloutRefusals.NoDelivery ? StatusCodes.Status503ServiceUnavailable
            : StatusCodes.Status400BadRequest;
        return Results.Json(answer, FleetJson.Default.RolloutAnswer, statusCode: status);
    }

    /// <summary>
    /// A model card or file of <c>Fleet:ModelsFolder</c>, for the agents' downloads: no token (an agent holds none; it
    /// trusts a model by its card's signature, not by where it came from), plain file names only.
    /// </summary>
    private IResult ModelFile(HttpContext context, string file)
    {
        context.Response.Headers.CacheControl = "no-store";
        var folder = _options.ModelsFolder;
        if (string.IsNullOrWhiteSpace(folder) || file.StartsWith('.') || Path.GetFileName(file) != file
            || !(file.EndsWith(".onnx", StringComparison.Ordinal) || file.EndsWith(".card.json", StringComparison.Ordinal)))
        {
            return Results.NotFound();
        }

        var path = Path.Combine(folder, file);
        return File.Exists(path) ? Results.File(path, file.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/octet-stream") : Results.NotFound();
    }

    private IResult? Refused(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (access.Check(context) is not { } refusal)
        {
            return null;
        }

        var reason = refusal.Status == StatusCodes.Status403Forbidden ? "cross_site" : "token";
        metrics.ApiRefused(reason);
        refusals.ApiRefused(reason, context.Connection.RemoteIpAddress?.ToString());
        return Results.Json(new ApiError(refusal.Reason), FleetJson.Default.ApiError, statusCode: refusal.Status);
    }

    private IFleetViewGrain View() => grains.GetGrain<IFleetViewGrain>(IFleetViewGrain.Key);

    /// <summary>
    /// The page travels inside the program, no external asset; its refresh period is written into it. Its one script
    /// and one style block are allowed by their SHA-256 in the content security policy, nothing else runs.
    /// </summary>
    private static (byte[] Html, string Policy) Page(FleetOptions options)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("EdgeAgent.Fleet.FleetPage.index.html")
            ?? throw new InvalidOperationException("the fleet page is not embedded");
        using var reader = new StreamReader(stream);
        var html = reader.ReadToEnd().Replace("__REFRESH_MS__",
            ((long)options.PageRefresh.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var policy = $"default-src 'none'; script-src '{Hash(html, "<script>", "</script>")}'; style-src '{Hash(html, "<style>", "</style>")}'; "
            + "connect-src 'self'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
        return (System.Text.Encoding.UTF8.GetBytes(html), policy);
    }

    private static string Hash(string html, string open, string close)
    {
        var start = html.IndexOf(open, StringComparison.Ordinal) + open.Length;
        var end = html.IndexOf(close, start, StringComparison.Ordinal);
        return "sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(html[start..end])));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet HTTP endpoint listening on {Address}:{Port}")]
    private partial void LogListening(string address, int port);
}
