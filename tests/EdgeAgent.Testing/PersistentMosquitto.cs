using System.Diagnostics;
using System.Globalization;

namespace EdgeAgent.Testing;

/// <summary>
/// A real mosquitto with persistence on, as a store runs it: sessions, subscriptions and queued messages written to its
/// persistence file (every second, and at a clean shutdown). It can be stopped with SIGTERM (it saves first) or SIGKILL
/// (it loses what it took since the last save) and started again on the same port and file.
/// </summary>
public sealed class PersistentMosquitto : IAsyncDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly Queue<string> _log = new();
    private Process? _process;

    public int Port { get; } = FreePort.Next();

    /// <summary>Times the broker came back after a stop.</summary>
    public int Restarts { get; private set; }

    /// <summary>The last lines mosquitto logged (connections, disconnections, errors), for a failure's message.</summary>
    public string LogTail
    {
        get
        {
            var state = _process is { HasExited: true } exited ? $"(mosquitto exited with code {exited.ExitCode})\n" : "";
            lock (_log)
            {
                return state + string.Join('\n', _log);
            }
        }
    }

    /// <summary>mosquitto's persistence file (<c>mosquitto.db</c> in its persistence folder).</summary>
    public string PersistenceFile => Path.Combine(_folder.Path, "mosquitto.db");

    public static async Task<PersistentMosquitto> StartAsync()
    {
        var broker = new PersistentMosquitto();

        // Started as root, mosquitto drops to its own user: the folder must be writable by it, or every save fails
        // (logged only) and a restart comes back empty, as if persistence were off.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(broker._folder.Path, (UnixFileMode)0b111_111_111);
        }
        await broker.StartProcessAsync();
        return broker;
    }

    /// <summary>Stops the broker with <paramref name="signal"/> (<c>TERM</c> or <c>KILL</c>) and starts it again once it is gone.</summary>
    public async Task RestartAsync(string signal)
    {
        await StopAsync(signal);
        await StartAgainAsync();
    }

    /// <summary>Stops the broker with <paramref name="signal"/>; with <c>TERM</c> it writes its persistence file first.</summary>
    public async Task StopAsync(string signal = "TERM")
    {
        var process = _process!;
        using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        process.Dispose();
        _process = null;
    }

    /// <summary>Starts the broker again on the same port and persistence file after <see cref="StopAsync"/>.</summary>
    public async Task StartAgainAsync()
    {
        await StartProcessAsync();
        Restarts++;
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

    private async Task StartProcessAsync()
    {
        var config = Path.Combine(_folder.Path, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {Port} 127.0.0.1
            allow_anonymous true
            persistence true
            persistence_location {_folder.Path}/
            autosave_interval 1
            set_tcp_nodelay true
            max_queued_messages 100000
            max_inflight_messages 0
            """);
        _process = Process.Start(new ProcessStartInfo(MosquittoBroker.Executable, ["-c", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("mosquitto did not start");
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(10));
    }

    private void OnLine(string? line)
    {
        // The autosave's line every second would push everything else out of the tail.
        if (line is null || line.Contains("Saving in-memory database", StringComparison.Ordinal))
        {
            return;
        }

        lock (_log)
        {
            _log.Enqueue(line);
            if (_log.Count > 40)
            {
                _log.Dequeue();
            }
        }
    }
}
