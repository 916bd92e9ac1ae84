using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace EdgeAgent.Testing;

/// <summary>
/// Debian's Prometheus on a free loopback port, scraping the given targets every second, with its data in a temp
/// folder; its configuration checked by <c>promtool</c> before it starts.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private ExternalProcess? _process;

    public int Port { get; } = FreePort.Next();

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");

    public static string Executable => Find("prometheus");

    public static string Promtool => Find("promtool");

    public static async Task<PrometheusServer> StartAsync(string job, params Uri[] targets)
    {
        var server = new PrometheusServer();
        var config = Path.Combine(server._folder.Path, "prometheus.yml");
        var list = string.Join(", ", targets.Select(t => $"\"{t.Authority}\""));
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: {job}
                metrics_path: /metrics
                static_configs:
                  - targets: [{list}]
            """);
        var (exit, output) = await CheckConfigAsync(config);
        Assert.True(exit == 0, "promtool check config failed:\n" + output);
        server._process = ExternalProcess.Start(Executable,
        [
            "--config.file=" + config,
            "--storage.tsdb.path=" + Path.Combine(server._folder.Path, "data"),
            "--web.listen-address=127.0.0.1:" + server.Port.ToString(CultureInfo.InvariantCulture),
            "--log.level=warn",
        ]);
        await server.WaitReadyAsync();
        return server;
    }

    public static Task<(int ExitCode, string Output)> CheckConfigAsync(string file) =>
        ExternalProcess.RunAsync(Promtool, ["check", "config", file], TimeSpan.FromSeconds(30));

    /// <summary>
    /// Prometheus' own linter over a scrape: exit 0 and no output when clean, 3 with one line per finding (a <c>_count</c>
    /// suffix on a gauge, a counter without <c>_total</c>, ...), 1 when it cannot parse it. It reads the text on stdin.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "metrics.txt");
        await File.WriteAllTextAsync(file, exposition);
        return await ExternalProcess.RunAsync("/bin/sh", ["-c", "exec \"$0\" check metrics < \"$1\"", Promtool, file], TimeSpan.FromSeconds(30));
    }

    /// <summary>An instant query: the result vector, or the error Prometheus gave.</summary>
    public async Task<(bool Ok, JsonElement Result, string Error)> QueryAsync(string promql)
    {
        var response = await _http.GetFromJsonAsync<JsonElement>(new Uri(BaseUrl, "/api/v1/query?query=" + Uri.EscapeDataString(promql)));
        return response.GetProperty("status").GetString() == "success"
            ? (true, response.GetProperty("data").GetProperty("result").Clone(), "")
            : (false, default, response.GetProperty("error").GetString() ?? "error");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _http.Dispose();
        _folder.Dispose();
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(BaseUrl, "/-/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (_process!.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail("Prometheus did not become ready:\n" + _process.Output);
            }

            await Task.Delay(100);
        }
    }

    private static string Find(string name) =>
        new[] { "/usr/bin/" + name, "/usr/local/bin/" + name }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed (apt-get install -y prometheus); scripts/test.sh installs it");
}
