using System.Globalization;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Mqtt;
using EdgeAgent.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Simulator;

/// <summary>
/// The demo: once the agent is ready, the POS simulator replays the bundled labelled sample over MQTT from
/// several terminals at the configured rate, shows live progress, prints a summary and stops the agent.
/// </summary>
internal sealed partial class DemoService(
    AgentStatus status,
    IOptions<LoadOptions> load,
    IOptions<MqttOptions> mqtt,
    IOptions<PipelineOptions> pipeline,
    IHostApplicationLifetime lifetime,
    ILogger<DemoService> logger) : BackgroundService
{
    /// <summary>0 when every payment was answered, 1 otherwise.</summary>
    public int ExitCode { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WaitUntilReadyAsync(stoppingToken);

            var options = load.Value;
            options.Host = mqtt.Value.UsesExternalBroker ? mqtt.Value.Host! : "127.0.0.1";
            options.Port = mqtt.Value.Port;
            options.TopicRoot = pipeline.Value.TopicRoot;
            if (options.SamplePath is null)
            {
                options.MeasureFrom ??= PaymentSample.BundledMeasureFrom;
            }

            var sample = PaymentSample.Load(options.SamplePath);
            LogStarting(sample.Records.Count, options.Rate, options.Terminals);
            var report = await new LoadGenerator(options, sample, Console.Out).RunAsync(stoppingToken);
            Console.WriteLine();
            Console.WriteLine("Demo summary");
            Console.WriteLine(report.ToText());
            Console.WriteLine();
            ExitCode = report.Lost == 0 ? 0 : 1;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            ExitCode = 1;
        }
        catch (Exception ex)
        {
            LogFailed(ex);
            ExitCode = 1;
        }

        lifetime.StopApplication();
    }

    /// <summary>Polls readiness (the agent has no event for it), giving up after a minute rather than waiting for ever.</summary>
    private async Task WaitUntilReadyAsync(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        while (!status.IsReady)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Demo: replaying {Count} labelled payments at {Rate}/s from {Terminals} terminals; those before the measured days are history and not counted")]
    private partial void LogStarting(int count, double rate, int terminals);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "The demo failed")]
    private partial void LogFailed(Exception exception);
}
