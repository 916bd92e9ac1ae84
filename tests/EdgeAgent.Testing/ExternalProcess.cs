using System.Diagnostics;
using System.Text;

namespace EdgeAgent.Testing;

/// <summary>
/// A program of another vendor run by a test (mosquitto's clients, node, prometheus): its output kept line by line,
/// a wait for a line that says it reached a state, and a kill at the end.
/// </summary>
public sealed class ExternalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _changed = new(0);

    private ExternalProcess(Process process)
    {
        _process = process;
    }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    public static ExternalProcess Start(string file, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var external = new ExternalProcess(process);
        process.OutputDataReceived += (_, e) => external.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => external.OnLine(e.Data);
        process.Exited += (_, _) => external._changed.Release();
        if (!process.Start())
        {
            throw new InvalidOperationException($"{file} did not start");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return external;
    }

    /// <summary>Runs a program to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        await using var process = Start(file, arguments, workingDirectory, environment);
        await process.WaitForExitAsync(timeout);
        return (process.ExitCode, process.Output);
    }

    /// <summary>Waits for a line of output that satisfies <paramref name="match"/>; fails with the output when the program ends or the time is up first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var seen = 0;
        while (true)
        {
            lock (_lock)
            {
                for (; seen < _lines.Count; seen++)
                {
                    if (match(_lines[seen]))
                    {
                        return _lines[seen];
                    }
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (_process.HasExited && _lines.Count == seen)
            {
                // The last lines may still be on their way from the pipes: this wait ends once both are read to their end
                // (or gives up when a child of the program holds them open).
                try
                {
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
                catch (TimeoutException)
                {
                }

                lock (_lock)
                {
                    if (_lines.Count == seen)
                    {
                        Assert.Fail($"{_process.StartInfo.FileName} exited ({_process.ExitCode}) before {what}:\n{Output}");
                    }
                }
            }
            else if (left <= TimeSpan.Zero)
            {
                Assert.Fail($"Timed out waiting for {what} from {_process.StartInfo.FileName}:\n{Output}");
            }
            else
            {
                await _changed.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            _process.WaitForExit(); // drains the output pipes
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{_process.StartInfo.FileName} did not exit within {timeout}:\n{Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }

        _process.Dispose();
        _changed.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _lines.Add(line);
        }

        _changed.Release();
    }
}
