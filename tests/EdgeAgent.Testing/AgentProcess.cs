using System.Diagnostics;
using System.Text;

namespace EdgeAgent.Testing;

/// <summary>
/// The agent as a child process (<c>dotnet EdgeAgent.dll</c>), for the tests that kill it: only a real process
/// dies the way a crash or <c>kill -9</c> does.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AgentProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The last <paramref name="lines"/> lines the agent wrote, for a failure's message.</summary>
    public string OutputTail(int lines) =>
        string.Join('\n', Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));

    public static async Task<AgentProcess> StartAsync(string dataPath, params string[] settings)
    {
        Directory.CreateDirectory(dataPath);
        var agentDll = Path.Combine(AppContext.BaseDirectory, "EdgeAgent.dll");
        var arguments = new List<string>
        {
            agentDll,
            "run",
            $"--Storage:Path={dataPath}",
            "--Http:Urls=http://127.0.0.1:0",
            "--Tokenization:Key=" + TestKeys.TokenizationKey,
        };
        arguments.AddRange(settings.Select(s => "--" + s));
        var process = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = dataPath,
            },
        };
        var agent = new AgentProcess(process);
        process.OutputDataReceived += (_, e) => agent.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => agent.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(agent._ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != agent._ready.Task)
        {
            throw new InvalidOperationException("The agent did not become ready:\n" + agent.Output);
        }

        return agent;
    }

    /// <summary>A graceful stop, as an orchestrator asks for one: SIGTERM, then wait for the agent to drain and exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        using var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await signal.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(timeout);
    }

    /// <summary>Waits for the process to end by itself (fault injection kills it).</summary>
    public async Task WaitForExitAsync(TimeSpan timeout) => await _process.WaitForExitAsync().WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("Ready:", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
