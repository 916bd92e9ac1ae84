using System.Diagnostics;

namespace EdgeAgent.Testing;

/// <summary>
/// A real mosquitto on 127.0.0.1 and a free port, for one test class. <c>.ci/run</c> installs mosquitto; when it
/// is not installed the tests that need it fail with a message saying so, rather than pass unseen.
/// </summary>
public sealed class MosquittoBroker : IAsyncLifetime
{
    private readonly TempDirectory _folder = new();
    private Process? _process;

    public int Port { get; } = FreePort.Next();

    public static string Executable =>
        new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mosquitto is not installed (apt-get install -y mosquitto); .ci/run installs it");

    public async Task InitializeAsync()
    {
        var config = System.IO.Path.Combine(_folder.Path, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {Port} 127.0.0.1
            allow_anonymous true
            persistence false
            set_tcp_nodelay true
            max_queued_messages 100000
            """);
        _process = Process.Start(new ProcessStartInfo(Executable, ["-c", config])
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
}
