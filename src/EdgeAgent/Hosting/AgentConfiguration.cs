namespace EdgeAgent.Hosting;

/// <summary>
/// Where settings come from, later sources winning: the bundled appsettings.json, then environment variables
/// <c>EdgeAgent__Section__Key</c> (as IoT Edge and Kubernetes set them), then <c>--Section:Key=value</c> on the
/// command line.
/// </summary>
public static class AgentConfiguration
{
    public const string EnvironmentPrefix = "EdgeAgent__";

    public static void Apply(IConfigurationBuilder configuration, string[] settings)
    {
        if (configuration is IConfigurationManager manager)
        {
            manager.Sources.Clear();
        }

        configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddCommandLine(settings);
    }

    /// <summary>The configuration alone, for commands that run without a host.</summary>
    public static IConfigurationRoot Build(string[] settings)
    {
        var builder = new ConfigurationBuilder();
        Apply(builder, settings);
        return builder.Build();
    }
}
