using System.Diagnostics;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

/// <summary>
/// Third-party MQTT clients run as processes: mosquitto's command-line clients (Debian package mosquitto-clients) and
/// MQTT.js under node (installed with npm into tests/clients/node_modules when missing). A missing client fails the test
/// that needs it with the command that installs it, rather than letting it pass unseen.
/// </summary>
internal static class ExternalClients
{
    private static readonly SemaphoreSlim NpmInstall = new(1, 1);

    public static string MosquittoPub => Find("mosquitto_pub");

    public static string MosquittoSub => Find("mosquitto_sub");

    /// <summary>tests/clients/node_modules, with MQTT.js in it (installed on first use).</summary>
    public static async Task<string> MqttJsModulesAsync()
    {
        var clients = Repository.PathOf(Path.Combine("tests", "clients"));
        var modules = Path.Combine(clients, "node_modules");
        await NpmInstall.WaitAsync();
        try
        {
            if (!File.Exists(Path.Combine(modules, "mqtt", "package.json")))
            {
                Directory.CreateDirectory(clients);
                var npm = await RunAsync(Find("npm"), ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--prefix", clients, "mqtt@5"],
                    TimeSpan.FromMinutes(5));
                Assert.True(npm.ExitCode == 0, "npm install mqtt failed: " + npm.Output);
            }
        }
        finally
        {
            NpmInstall.Release();
        }

        return modules;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        using var process = Start(file, arguments, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, "timed out after " + timeout + ": " + await output + await errors);
        }

        return (process.ExitCode, await output + await errors);
    }

    public static Process Start(string file, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException(file + " did not start");
    }

    private static string Find(string name) =>
        new[] { "/usr/bin/", "/usr/local/bin/", "/usr/sbin/" }.Select(d => d + name).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(name + " is not installed (apt-get install -y mosquitto-clients nodejs npm)");
}
