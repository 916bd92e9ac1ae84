using System.Diagnostics;
using EdgeAgent.Commands;

namespace EdgeAgent.IntegrationTests.Infrastructure;

/// <summary>
/// A real mosquitto running the shipped configuration (deployment-manifests/mosquitto/mosquitto.conf) with credentials
/// made by <c>EdgeAgent credentials init</c>: store <c>store-1</c>, terminals t1 and t2, operator <c>ops</c>, agents
/// <c>edgeagent</c> and <c>edgeagent-uplink</c>. Only the ports, the folders and the user it runs as are changed.
/// </summary>
public sealed class SecureMosquittoBroker : IAsyncLifetime
{
    private readonly TempDirectory _folder = new();
    private Process? _process;

    /// <summary>The mutual-TLS listener (the shipped 8883).</summary>
    public int CertificatePort { get; } = FreePort.Next();

    /// <summary>The TLS listener for password clients (the shipped 8884).</summary>
    public int PasswordPort { get; } = FreePort.Next();

    /// <summary>The folder <c>credentials init</c> wrote.</summary>
    public string Credentials => Path.Combine(_folder.Path, "credentials");

    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    private string LogPath => Path.Combine(_folder.Path, "mosquitto.log");

    /// <summary>The shipped configuration file, found above the test's folder.</summary>
    public static string ShippedConfig()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "deployment-manifests", "mosquitto", "mosquitto.conf");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException("deployment-manifests/mosquitto/mosquitto.conf not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A terminal's folder: ca.crt, client.crt, client.key, password.</summary>
    public string Terminal(string terminal) => Path.Combine(Credentials, "terminals", "store-1", terminal);

    public string Agent(string file) => Path.Combine(Credentials, "agent", file);

    public async Task InitializeAsync()
    {
        var exit = CredentialsCommand.Run(["init", "--out", Credentials, "--store", "store-1", "--terminals", "t1,t2", "--operators", "ops", "--agents", "edgeagent,edgeagent-uplink"]);
        Assert.Equal(0, exit);

        var data = Path.Combine(_folder.Path, "data");
        Directory.CreateDirectory(data);
        var lines = (await File.ReadAllLinesAsync(ShippedConfig())).Select(line => line switch
        {
            "listener 8883" => $"listener {CertificatePort} 127.0.0.1",
            "listener 8884" => $"listener {PasswordPort} 127.0.0.1",
            _ => line.Replace("/mosquitto/certs/", Path.Combine(Credentials, "broker") + "/", StringComparison.Ordinal)
                .Replace("/mosquitto/data/", data + "/", StringComparison.Ordinal),
        }).ToList();
        Assert.Contains($"listener {CertificatePort} 127.0.0.1", lines);
        Assert.Contains($"listener {PasswordPort} 127.0.0.1", lines);

        // Started as root, mosquitto would switch to the mosquitto user, who cannot read the 0600 keys written for this user.
        lines.Insert(0, "user " + Environment.UserName);
        var config = Path.Combine(_folder.Path, "mosquitto.conf");
        await File.WriteAllLinesAsync(config, lines);
        _process = Process.Start(new ProcessStartInfo(MosquittoBroker.Executable, ["-c", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("mosquitto did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await FreePort.WaitUntilListeningAsync(CertificatePort, TimeSpan.FromSeconds(10));
        await FreePort.WaitUntilListeningAsync(PasswordPort, TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _folder.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_folder)
            {
                File.AppendAllText(LogPath, line + "\n");
            }
        }
    }
}
