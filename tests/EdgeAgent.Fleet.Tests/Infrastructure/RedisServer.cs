
namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// A real redis-server on a free loopback port, in a temp folder, with the append-only file fsynced on every write
/// (appendfsync always), as the fleet runs it: an acknowledged write is on disk before Redis answers.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private ChildProcess _process;

    private RedisServer(string directory, int port, ChildProcess process)
    {
        Directory = directory;
        Port = port;
        _process = process;
    }

    public string Directory { get; }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "edgeagent-fleet-redis-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var port = FreePort.Next();
        var server = new RedisServer(directory, port, Launch(directory, port));
        try
        {
            await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30));
        }
        catch
        {
            var output = server._process.Output;
            await server.DisposeAsync();
            throw new InvalidOperationException("redis-server did not start:\n" + output);
        }

        return server;
    }

    /// <summary>SIGKILL: no shutdown, no last write; what Redis acknowledged is in its append-only file already.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGSTOP: Redis takes no command (its clients' writes wait, then time out) until <see cref="Resume"/>.</summary>
    public void Pause() => _process.Pause();

    public void Resume() => _process.Resume();

    /// <summary>Starts redis-server again on the same port and folder: it loads the append-only file before it listens.</summary>
    public async Task RestartAsync()
    {
        _process.Dispose();
        _process = Launch(Directory, Port);
        try
        {
            await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(60));
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException("redis-server did not start again:\n" + _process.Output, ex);
        }
    }

    private static ChildProcess Launch(string directory, int port)
    {
        var executable = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        return new ChildProcess(
            executable,
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory,
             "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "yes"],
            directory);
    }

    public ValueTask DisposeAsync()
    {
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
