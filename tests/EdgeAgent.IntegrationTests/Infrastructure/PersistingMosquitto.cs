using System.Diagnostics;
using System.Globalization;

namespace EdgeAgent.IntegrationTests.Infrastructure;

/// <summary>
/// A real mosquitto with persistence on, as the shipped deployment runs it: what it holds for an offline session is
/// written to <see cref="PersistenceFile"/> when it stops cleanly. It can be stopped and started again on the same port
/// and file.
/// </summary>
internal sealed class PersistingMosquitto : IAsyncDisposable
{
    private readonly TempDirectory _folder = new();
    private Process? _process;

    private PersistingMosquitto()
    {
    }

    public int Port { get; } = FreePort.Next();

    /// <summary>mosquitto's persistence file (<c>mosquitto.db</c> in its persistence folder).</summary>
    public string PersistenceFile => Path.Combine(_folder.Path, "mosquitto.db");

    public static async Task<PersistingMosquitto> StartAsync()
    {
        var broker = new PersistingMosquitto();

        // Started as root, mosquitto drops to its own user: the folder must be writable by it, or it saves nothing.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(broker._folder.Path, (UnixFileMode)0b111_111_111);
        }

        await broker.StartAgainAsync();
        return broker;
    }

    /// <summary>Stops the broker with SIGTERM, so that it writes its persistence file, and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        var process = _process!;
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        process.Dispose();
        _process = null;
    }

    public async Task StartAgainAsync()
    {
        var config = Path.Combine(_folder.Path, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {Port} 127.0.0.1
            allow_anonymous true
            persistence true
            persistence_location {_folder.Path}/
            autosave_interval 1
            set_tcp_nodelay true
            """);
        _process = Process.Start(new ProcessStartInfo(MosquittoBroker.Executable, ["-c", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("mosquitto did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _folder.Dispose();
    }
}
