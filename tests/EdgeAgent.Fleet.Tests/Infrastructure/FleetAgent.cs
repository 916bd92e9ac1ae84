using System.Globalization;
using System.Text.Json;

namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// The agent program as a store runs it (<c>dotnet EdgeAgent.dll run</c>, embedded broker, its own data folder), pointed
/// at the fleet's uplink with a store's login. It can be killed with SIGKILL or stopped with SIGTERM, and started again on
/// the same folder.
/// </summary>
internal sealed class FleetAgent : IDisposable
{
    private readonly ChildProcess _process;

    internal FleetAgent(ChildProcess process, int mqttPort, int httpPort, string? modelsFolder = null)
    {
        _process = process;
        MqttPort = mqttPort;
        HttpPort = httpPort;
        ModelsFolder = modelsFolder;
    }

    /// <summary>Where the terminals connect (the embedded broker).</summary>
    public int MqttPort { get; }

    public int HttpPort { get; }

    /// <summary>Its own models folder (<c>Inference:ModelsPath</c>) when it was given one.</summary>
    public string? ModelsFolder { get; }

    public string Output => _process.Output;

    /// <summary>
    /// Starts the agent; it is ready when it logs so (record restored, broker listening). <paramref name="settings"/> come
    /// last and win over the defaults here (another tokenization key, another fetch budget).
    /// </summary>
    public static async Task<FleetAgent> StartAsync(string dataPath, string storeId, int uplinkPort, TimeSpan patience, IEnumerable<string>? settings = null)
    {
        var mqtt = FreePort.Next();
        var http = FreePort.Next();
        var process = await RunAsync(dataPath, mqtt, http, dataPath, patience,
        [
            "--Tokenization:Key=" + Convert.ToBase64String(FleetLinkCluster.FleetKey),
            "--Fleet:Host=127.0.0.1",
            "--Fleet:Port=" + uplinkPort.ToString(CultureInfo.InvariantCulture),
            "--Fleet:StoreId=" + storeId,
            "--Fleet:Username=" + storeId,
            "--Fleet:Password=" + UplinkBroker.PasswordOf(storeId),
            "--Fleet:UseTls=false",

            // The test is about what the answer holds, not about speed: on a loaded machine a 20 ms answer may come late.
            "--Fleet:FetchBudget=00:00:01",
            .. settings ?? [],
        ]);
        return new FleetAgent(process, mqtt, http);
    }

    /// <summary>
    /// Runs the agent program (<c>dotnet EdgeAgent.dll run</c>) on <paramref name="dataPath"/>, its embedded broker on
    /// <paramref name="mqttPort"/>, its HTTP on <paramref name="httpPort"/>, CPU inference, with <paramref name="settings"/>
    /// added; returns once it logs that it is ready, or throws with its output.
    /// </summary>
    internal static async Task<ChildProcess> RunAsync(string dataPath, int mqttPort, int httpPort, string workDirectory, TimeSpan patience, IEnumerable<string> settings)
    {
        Directory.CreateDirectory(dataPath);
        var process = new ChildProcess("dotnet",
        [
            AgentDll(),
            "run",
            "--Storage:Path=" + dataPath,
            "--Mqtt:Port=" + mqttPort.ToString(CultureInfo.InvariantCulture),
            "--Http:Urls=http://127.0.0.1:" + httpPort.ToString(CultureInfo.InvariantCulture),
            "--Inference:Provider=Cpu",
            .. settings,
        ], workDirectory);
        var deadline = DateTime.UtcNow + patience;
        while (!process.Output.Contains("Ready:", StringComparison.Ordinal))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var output = process.Output;
                process.Dispose();
                throw new InvalidOperationException("The agent did not become ready:\n" + output);
            }

            await Task.Delay(100);
        }

        return process;
    }

    /// <summary>The <c>fleet</c> record of <c>/status</c>.</summary>
    public async Task<JsonElement> FleetStatusAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{HttpPort}/status"));
        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("fleet", out var fleet)
            ? fleet.Clone()
            : throw new InvalidOperationException("/status has no fleet record:\n" + body);
    }

    /// <summary>SIGKILL: nothing is flushed, no stop runs; the in-memory outbox dies with the process.</summary>
    public void Kill() => _process.Kill();

    /// <summary>
    /// SIGTERM, and the agent's graceful stop: when it returns true, every payment the agent answered is in its record
    /// (after a SIGKILL the last ones may be in its answer journal only, until it starts again). Killed, and false, if the
    /// stop takes longer than <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return true;
        }

        _process.Terminate();
        return await _process.WaitForExitAsync(timeout);
    }

    public void Dispose() => _process.Dispose();

    internal static string AgentDll()
    {
        // Built beside the tests' own build (the project reference orders it), in the same configuration.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var project = Path.Combine(dir.FullName, "src", "EdgeAgent");
            if (File.Exists(Path.Combine(project, "EdgeAgent.csproj")))
            {
                var dll = Path.Combine(project, "bin", configuration, "net10.0", "EdgeAgent.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException("the agent is not built", dll);
            }
        }

        throw new DirectoryNotFoundException("src/EdgeAgent not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>An MQTT.js terminal (tests/clients/terminal.mjs) paying a list of payments, each until its PUBACK.</summary>
internal static class NodeTerminal
{
    /// <summary>Pays <paramref name="payloads"/> in order and returns once every one is acknowledged (recorded by the agent).</summary>
    public static async Task PayAsync(int port, string store, string terminal, IReadOnlyList<string> payloads, string workDirectory, TimeSpan patience)
    {
        var folder = ClientsFolder();
        var file = Path.Combine(workDirectory, $"payments-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(file, payloads);
        using var node = new ChildProcess(Node(),
            [Path.Combine(folder, "terminal.mjs"), port.ToString(CultureInfo.InvariantCulture), "t-" + Guid.NewGuid().ToString("N")[..12], store, terminal, file, "50", "persistent", "1000"],
            folder);
        var deadline = DateTime.UtcNow + patience;
        while (!node.Output.Contains("\"event\":\"done\"", StringComparison.Ordinal))
        {
            if (node.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("The terminal's payments were not all acknowledged:\n" + node.Output);
            }

            await Task.Delay(100);
        }
    }

    private static string ClientsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "clients");
            if (File.Exists(Path.Combine(path, "package.json")))
            {
                return File.Exists(Path.Combine(path, "node_modules", "mqtt", "package.json"))
                    ? path
                    : throw new InvalidOperationException($"MQTT.js is not installed in {path} (npm ci there); scripts/test.sh installs it");
            }
        }

        throw new DirectoryNotFoundException("tests/clients not found above " + AppContext.BaseDirectory);
    }

    private static string Node() =>
        new[] { "/usr/bin/node", "/usr/local/bin/node" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("node is not installed (apt-get install -y nodejs npm)");
}
