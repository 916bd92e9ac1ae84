using System.ComponentModel.DataAnnotations;
using System.Globalization;
using EdgeAgent.Commands;
using EdgeAgent.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeAgent.Simulator;

/// <summary>
/// <c>EdgeAgent.Simulator demo</c>: the agent on its embedded defaults, in this process, and the simulator replaying the
/// bundled labelled sample against it; a summary at the end. Each demo gets its own data folder under the configured one
/// (<c>{Storage:Path}/demo-{time}</c>), so every run starts from empty card histories and shows the same result, and the
/// record stays there to inspect.
/// </summary>
public static class DemoCommand
{
    /// <summary>
    /// The demo's terminals unless <c>Load:Terminals</c> says otherwise: a store's tills, each with few payments at a time,
    /// as a store has them, rather than the load generator's few connections that each pipeline hundreds.
    /// </summary>
    public const int Terminals = 64;

    public static async Task<int> RunAsync(string[] settings)
    {
        var configuration = AgentConfiguration.Build(settings);
        var load = new LoadOptions { Terminals = Terminals };
        configuration.GetSection(LoadOptions.SectionName).Bind(load, binder => binder.ErrorOnUnknownConfiguration = true);
        Validator.ValidateObject(load, new ValidationContext(load), validateAllProperties: true);

        var root = configuration["Storage:Path"] ?? "data";
        var folder = Path.Combine(root, "demo-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

        // The agent does not know the Load section: it is the simulator's, and is handed over here rather than as settings.
        string[] agentSettings = [.. settings.Where(s => !s.StartsWith("--Load:", StringComparison.OrdinalIgnoreCase)), $"--Storage:Path={folder}"];
        DemoService? demo = null;
        var code = await AgentHost.RunAsync(AgentCommand.Run, agentSettings, services =>
        {
            services.AddSingleton(Microsoft.Extensions.Options.Options.Create(load));
            services.AddSingleton<DemoService>();
            services.AddHostedService(sp => demo = sp.GetRequiredService<DemoService>());
        });
        return code != 0 ? code : demo?.ExitCode ?? 1;
    }
}
