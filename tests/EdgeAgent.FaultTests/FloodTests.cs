using System.Buffers;
using System.Diagnostics;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace EdgeAgent.FaultTests;

/// <summary>
/// A terminal floods the agent with rejected payloads (about 1,000 a second) while another pays at a modest rate: every
/// bad payload is refused and counted, dead letters are kept only within the sender's budget and what was not kept is
/// counted, and every valid payment is scored. The valid payments' latencies are reported, not asserted.
/// </summary>
public sealed class FloodTests(ITestOutputHelper output) : IDisposable
{
    private const int FloodSeconds = 6;
    private const int FloodPerSecond = 1000;
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task FloodOfRejectedPayloads_IsCountedAndBudgeted_AndValidPaymentsAreScored()
    {
        var acks = new List<double>();
        var answers = new List<double>();
        var flooded = 0;
        await using (var agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Cpu"))
        {
            using var flooder = new MqttClientFactory().CreateMqttClient();
            await flooder.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithClientId("flooder")
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
            await using var terminal = await TestTerminal.ConnectAsync(_port);
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(FloodSeconds));

            var flood = Task.Run(async () =>
            {
                var inFlight = new List<Task>();
                var clock = Stopwatch.StartNew();
                while (!stop.IsCancellationRequested)
                {
                    // Paced by the clock: as many as the rate allows by now, each a refusal (not JSON).
                    while (flooded < clock.Elapsed.TotalSeconds * FloodPerSecond)
                    {
                        inFlight.Add(flooder.PublishAsync(new MqttApplicationMessage
                        {
                            Topic = "pos/store-8/flood/payments",
                            Payload = new ReadOnlySequence<byte>("{not json"u8.ToArray()),
                            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
                        }));
                        flooded++;
                    }

                    await Task.Delay(5);
                }

                await Task.WhenAll(inFlight);
            });

            var i = 0;
            while (!flood.IsCompleted)
            {
                var started = Stopwatch.GetTimestamp();
                var (answer, _) = await terminal.SendAsync(Payloads.Topic("store-8", "good"), Payloads.Payment($"good-{i++}", 12m));
                acks.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                var answered = answer.ContinueWith(_ => Stopwatch.GetElapsedTime(started).TotalMilliseconds, TaskScheduler.Default);
                var body = await answer.WaitAsync(TimeSpan.FromSeconds(30));
                answers.Add(await answered);
                Assert.Equal("scored", Answers.Status(body));
                await Task.Delay(50);
            }

            await flood;
            await Eventually.TrueAsync(() => agent.Metrics.Rejected == flooded, $"every flooded payload is refused ({agent.Metrics.Rejected} of {flooded})", TimeSpan.FromSeconds(30));
            Assert.Equal(i, agent.Metrics.Scored);
            output.WriteLine($"flooded {flooded} in {FloodSeconds} s; dead letters not kept {agent.Metrics.DeadLettersDropped}");
            output.WriteLine($"valid payments {i}: acknowledgement p50 {Percentile(acks, 0.5):0.0} ms, p99 {Percentile(acks, 0.99):0.0} ms, max {acks.Max():0.0} ms");
            output.WriteLine($"answer p50 {Percentile(answers, 0.5):0.0} ms, p99 {Percentile(answers, 0.99):0.0} ms, max {answers.Max():0.0} ms");
            await agent.StopAsync();
            var dropped = agent.Metrics.DeadLettersDropped;
            using var record = new AgentRecord(_data.Path);

            // Every refusal is either kept as a dead letter or counted as not kept; the budget kept far fewer than were sent.
            Assert.Equal(flooded, record.DeadLetters.Count + dropped);
            Assert.InRange(record.DeadLetters.Count, 100, flooded / 2);
            Assert.Equal(i, record.Outcomes.Count);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
