using EdgeAgent.Commands;
using EdgeAgent.Telemetry;
using Serilog;
using Serilog.Formatting.Compact;

namespace EdgeAgent.Hosting;

/// <summary>Builds and runs the agent (scoring or echo). Tools that run it in-process (the demo) add their services through <c>configure</c>.</summary>
public static class AgentHost
{
    /// <summary>Exit code when the agent refuses to start: a bad setting or a model that fails its checks.</summary>
    public const int StartRefused = 3;

    public static async Task<int> RunAsync(AgentCommand command, string[] settings, CancellationToken cancellationToken = default) =>
        await RunAsync(command, settings, configure: null, cancellationToken);

    /// <summary>Runs the agent with extra services; returns its exit code.</summary>
    public static async Task<int> RunAsync(AgentCommand command, string[] settings, Action<IServiceCollection>? configure, CancellationToken cancellationToken = default)
    {
        await using var app = Build(command, settings, configure);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested || cancellationToken.IsCancellationRequested)
        {
            // Stopped (SIGTERM) while still starting: the payment path may already be taking payments, so what started
            // stops below as at any other stop, draining what it took, rather than the process failing its start.
        }
        catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException or Onnx.ModelLoadException
                                       or InvalidOperationException or IOException)
        {
            // The loggers may not have written yet: the reason goes straight to stderr.
            Console.Error.WriteLine("EdgeAgent refused to start: " + ex.Message);
            return StartRefused;
        }

        // Returns once the host was told to stop (SIGTERM, or the token) and has stopped its services in reverse order.
        await app.WaitForShutdownAsync(cancellationToken);
        return Environment.ExitCode;
    }

    public static WebApplication Build(AgentCommand command, string[] settings, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        AgentConfiguration.Apply(builder.Configuration, settings);

        builder.WebHost.UseUrls(builder.Configuration["Http:Urls"] ?? "http://127.0.0.1:8080");
        builder.Logging.ClearProviders();
        var json = builder.Configuration.GetValue<bool>("Logging:Json");
        builder.Services.AddSerilog((_, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext();
            if (json)
            {
                logger.WriteTo.Console(new CompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}");
            }
        });

        builder.Services.AddAgentTelemetry(builder.Configuration);
        if (command == AgentCommand.Echo)
        {
            builder.Services.AddEchoAgent();
        }
        else
        {
            builder.Services.AddScoringAgent();
        }

        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapAgentEndpoints();
        return app;
    }
}
