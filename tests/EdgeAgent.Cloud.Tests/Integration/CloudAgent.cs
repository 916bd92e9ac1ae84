using EdgeAgent.Testing.Emulator;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.Cloud.Tests.Integration;

/// <summary>Helpers for tests that run the agent (embedded broker on a free port) against a cloud.</summary>
internal static class CloudAgent
{
    public static Task<InProcessAgent> StartAsync(string dataPath, int mqttPort, IoTHubEmulator hub, params string[] more) =>
        InProcessAgent.StartAsync(dataPath, [$"Mqtt:Port={mqttPort}", "Inference:Provider=Cpu", .. hub.AgentSettings(more)]);

    public static ICloudStatus Cloud(this InProcessAgent agent) => agent.Services.GetRequiredService<ICloudStatus>();

    public static long Unsent(this ICloudStatus status) =>
        Enum.GetValues<CloudStream>().Sum(s => status.Stream(s).Unsent);

    /// <summary>Sends <paramref name="count"/> payments one after another; returns each answer's latency in milliseconds.</summary>
    public static async Task<List<double>> PayAsync(TestTerminal terminal, string prefix, int count, int concurrency = 1)
    {
        var latencies = new List<double>(count);
        var next = 0;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= count)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var answer = await terminal.RequestAsync(Payloads.Topic(terminal: "t" + (i % 4)), Payloads.Payment($"{prefix}-{i}", 10m + (i % 50)));
                var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Assert.Equal("scored", Answers.Status(answer));
                lock (latencies)
                {
                    latencies.Add(elapsed);
                }
            }
        });
        await Task.WhenAll(workers);
        return latencies;
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
