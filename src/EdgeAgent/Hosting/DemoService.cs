using System.Globalization;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Mqtt;
using EdgeAgent.Simulator;
using EdgeAgent.Telemetry;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Hosting;

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

    /// <summary>
    /// Gives every demo its own data folder under the configured one (<c>{Storage:Path}/demo-{time}</c>), so each
    /// run starts from empty card histories and shows the same result, and the record stays there to inspect.
    /// </summary>
    public static void UseFreshDataFolder(ConfigurationManager configuration)
    {
        var root = configuration["Storage:Path"] ?? "data";
        var folder = Path.Combine(root, "demo-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("Storage:Path", folder)]);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!status.IsReady)
            {
                await Task.Delay(50, stoppingToken);
            }

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

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Demo: replaying {Count} labelled payments at {Rate}/s from {Terminals} terminals; those before the measured days are history and not counted")]
    private partial void LogStarting(int count, double rate, int terminals);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "The demo failed")]
    private partial void LogFailed(Exception exception);
}
