using EdgeAgent.Hosting;

namespace EdgeAgent.Commands;

/// <summary>
/// <c>EdgeAgent health</c>: asks the running agent's <c>/health/ready</c> and exits 0 when it answers 200. The
/// container's HEALTHCHECK uses it, so the runtime image needs no curl.
/// </summary>
public static class HealthCommand
{
    public static async Task<int> RunAsync(string[] settings)
    {
        var configuration = AgentConfiguration.Build(settings);
        var url = (configuration["Http:Urls"] ?? "http://127.0.0.1:8080").Split(';')[0]
            .Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(new Uri(new Uri(url), "/health/ready"));
            Console.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine("unreachable: " + ex.Message);
            return 1;
        }
    }
}
