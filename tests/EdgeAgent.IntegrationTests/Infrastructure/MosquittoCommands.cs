using System.Diagnostics;

namespace EdgeAgent.IntegrationTests.Infrastructure;

/// <summary>mosquitto's own clients (mosquitto_pub, mosquitto_sub, mosquitto_rr) as a terminal would run them.</summary>
internal static class MosquittoCommands
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>
    /// Starts a client; the caller waits for it (<see cref="WaitAsync"/>) or kills it. <paramref name="lineBuffered"/>
    /// runs it under <c>stdbuf -oL</c>, so that its output (debug lines included) arrives as it is written, not at exit.
    /// </summary>
    public static Process Start(string client, IEnumerable<string> arguments, bool lineBuffered = false)
    {
        var path = new[] { "/usr/bin/", "/usr/local/bin/" }.Select(folder => folder + client).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{client} is not installed (apt-get install -y mosquitto-clients)");
        var process = Process.Start(new ProcessStartInfo(lineBuffered ? "stdbuf" : path, lineBuffered ? ["-oL", path, .. arguments] : arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException(client + " did not start");
        return process;
    }

    public static async Task<Result> WaitAsync(Process process, TimeSpan timeout)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill();
            await process.WaitForExitAsync();
            throw new TimeoutException($"{process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)} did not finish: {await output} {await error}");
        }

        return new Result(process.ExitCode, await output, await error);
    }

    public static async Task<Result> RunAsync(string client, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        using var process = Start(client, arguments);
        return await WaitAsync(process, timeout ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>TLS with a client certificate from a folder holding ca.crt, and {stem}.crt/.key.</summary>
    public static string[] Certificate(string folder, string stem = "client") =>
        ["--cafile", Path.Combine(folder, "ca.crt"), "--cert", Path.Combine(folder, stem + ".crt"), "--key", Path.Combine(folder, stem + ".key")];
}
