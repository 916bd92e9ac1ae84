using System.Collections.Frozen;

namespace EdgeAgent.StatusPage;

/// <summary>
/// The status page at <c>/</c>: four files embedded in the agent (HTML, CSS, script, icon), no external asset, so it
/// works on a store's LAN with no internet. The script reads <c>/status</c>. A strict content security policy keeps
/// any script but the agent's own from running on it.
/// </summary>
public static class StatusPageEndpoints
{
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, (string Resource, string ContentType)> Files = new Dictionary<string, (string, string)>
    {
        ["/"] = ("index.html", "text/html; charset=utf-8"),
        ["/ui/status.css"] = ("status.css", "text/css; charset=utf-8"),
        ["/ui/status.js"] = ("status.js", "text/javascript; charset=utf-8"),
        ["/ui/favicon.svg"] = ("favicon.svg", "image/svg+xml"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static void MapStatusPage(this IEndpointRouteBuilder app)
    {
        foreach (var (path, (resource, contentType)) in Files)
        {
            var content = Read(resource);
            app.MapGet(path, (HttpContext context) =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = Policy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-cache";
                return Results.Bytes(content, contentType);
            });
        }
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(StatusPageEndpoints).Assembly.GetManifestResourceStream("EdgeAgent.StatusPage." + name)
            ?? throw new InvalidOperationException($"The status page's {name} is not embedded in the agent.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
