using System.Net;
using System.Net.Sockets;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>A started pipeline: the agent, the link in front of it when there is one, and the port terminals connect to.</summary>
internal sealed class RunningPipeline : IAsyncDisposable
{
    private RunningPipeline(ChildProcess agent, ChildProcess? link, int terminalPort)
    {
        Agent = agent;
        Link = link;
        TerminalPort = terminalPort;
    }

    public ChildProcess Agent { get; }

    public ChildProcess? Link { get; }

    public int TerminalPort { get; }

    /// <summary>
    /// Starts the agent as it ships (its embedded broker on a free loopback port, a fresh data folder, the CPU provider
    /// unless <paramref name="agentSettings"/> say otherwise) and, with <paramref name="link"/>, the link in front of it.
    /// </summary>
    /// <param name="name">The pipeline's name: its data folder and log files.</param>
    /// <param name="folder">Where data folders and logs go.</param>
    /// <param name="tokenizationKey">The key every agent of the run shares.</param>
    /// <param name="link">The link's settings, or null for none.</param>
    /// <param name="agentSettings">Settings given to the agent after the evaluation's own.</param>
    /// <param name="cancellationToken">Ends the wait for readiness.</param>
    /// <param name="agentDll">Another build of the agent to start instead of the one beside this tool, or null.</param>
    /// <param name="dataRoot">Where the agent's data folder goes instead of <paramref name="folder"/> (a stalling device), or null.</param>
    public static async Task<RunningPipeline> StartAsync(
        string name, string folder, string tokenizationKey, LinkOptions? link, IEnumerable<string> agentSettings, CancellationToken cancellationToken,
        string? agentDll = null, string? dataRoot = null)
    {
        var data = Path.Combine(dataRoot ?? folder, name);
        Directory.CreateDirectory(data);
        var brokerPort = FreePort();
        var httpPort = FreePort();
        var tool = AppContext.BaseDirectory;
        var arguments = new List<string>
        {
            agentDll ?? Path.Combine(tool, "EdgeAgent.dll"), "run",
            $"--Mqtt:Port={brokerPort}",
            $"--Storage:Path={data}",
            $"--Http:Urls=http://127.0.0.1:{httpPort}",
            "--Inference:Provider=Cpu",
            $"--Tokenization:Key={tokenizationKey}",
        };
        arguments.AddRange(agentSettings);
        var agent = ChildProcess.Start(arguments, data, Path.Combine(folder, name + "-agent.log"));
        try
        {
            await WaitReadyAsync(agent, httpPort, cancellationToken);
            ChildProcess? relay = null;
            var terminalPort = brokerPort;
            if (link is not null)
            {
                terminalPort = FreePort();
                relay = ChildProcess.Start(
                    [
                        Path.Combine(tool, "EdgeAgent.Simulator.dll"), "link",
                        $"--Link:ListenPort={terminalPort}",
                        $"--Link:TargetPort={brokerPort}",
                        $"--Link:RoundTripMilliseconds={Invariant(link.RoundTripMilliseconds)}",
                        $"--Link:JitterMilliseconds={Invariant(link.JitterMilliseconds)}",
                        $"--Link:LossPercent={Invariant(link.LossPercent)}",
                        $"--Link:RetransmitMilliseconds={Invariant(link.RetransmitMilliseconds)}",
                        $"--Link:BatchSeconds={Invariant(link.BatchSeconds)}",
                    ],
                    data, Path.Combine(folder, name + "-link.log"), LinkCommand.ReadyLine);
                await relay.WaitForLineAsync(TimeSpan.FromSeconds(60));
            }

            return new RunningPipeline(agent, relay, terminalPort);
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    /// <summary>CPU and memory of the pipeline's processes now: the agent's, and the link's (default when there is none).</summary>
    public (ProcessSample Agent, ProcessSample Link) Sample() => (Agent.Sample(), Link?.Sample() ?? default);

    public async ValueTask DisposeAsync()
    {
        if (Link is not null)
        {
            await Link.DisposeAsync();
        }

        await Agent.DisposeAsync();
    }

    private static async Task WaitReadyAsync(ChildProcess agent, int httpPort, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (agent.HasExited)
            {
                // The folder may not outlive the run (a test's): the output's end goes with the message.
                var tail = File.Exists(agent.LogPath) ? string.Join('\n', File.ReadLines(agent.LogPath).TakeLast(20)) : "(no output)";
                throw new InvalidOperationException($"The agent exited at start; its output is in {agent.LogPath}, ending:\n{tail}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/health/ready"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The agent did not get ready; its output is in {agent.LogPath}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Invariant(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
