using System.Diagnostics;
using System.Globalization;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>A process the evaluation started (an agent, a link), its output kept in a log file, stopped with SIGTERM.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly TaskCompletionSource _readyLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string? _readyText;

    private ChildProcess(Process process, StreamWriter log, string? readyText)
    {
        _process = process;
        _log = log;
        _readyText = readyText;
    }

    public int Id => _process.Id;

    public string LogPath { get; private init; } = "";

    /// <summary>Starts <c>dotnet</c> with <paramref name="arguments"/>; with <paramref name="readyText"/>, <see cref="WaitForLineAsync"/> waits for it.</summary>
    public static ChildProcess Start(IEnumerable<string> arguments, string workingDirectory, string logPath, string? readyText = null)
    {
        var process = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory,
            },
        };
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var child = new ChildProcess(process, log, readyText) { LogPath = logPath };
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public async Task WaitForLineAsync(TimeSpan timeout)
    {
        var first = await Task.WhenAny(_readyLine.Task, _process.WaitForExitAsync(), Task.Delay(timeout));
        if (first != _readyLine.Task)
        {
            throw new InvalidOperationException($"A started process did not get ready; its output is in {LogPath}");
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>CPU time and resident memory now, from /proc (through <see cref="Process"/>).</summary>
    public ProcessSample Sample() => ProcessSample.Of(_process);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await signal.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }

        if (_readyText is not null && line.Contains(_readyText, StringComparison.Ordinal))
        {
            _readyLine.TrySetResult();
        }
    }
}
