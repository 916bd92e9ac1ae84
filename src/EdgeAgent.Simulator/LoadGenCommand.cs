using System.ComponentModel.DataAnnotations;
using EdgeAgent.Hosting;
using Microsoft.Extensions.Configuration;

namespace EdgeAgent.Simulator;

/// <summary><c>EdgeAgent.Simulator loadgen --Load:Host=... --Load:Mode=Open --Load:Rate=1000 ...</c>: the simulator alone, against any broker.</summary>
public static class LoadGenCommand
{
    public static async Task<int> RunAsync(string[] settings)
    {
        var configuration = AgentConfiguration.Build(settings);
        var options = new LoadOptions();
        configuration.GetSection(LoadOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        var sample = PaymentSample.Load(options.SamplePath);
        var report = await new LoadGenerator(options, sample, Console.Out).RunAsync(cancel.Token);
        Console.WriteLine();
        Console.WriteLine(report.ToText());
        if (configuration["Load:ReportFile"] is { Length: > 0 } file)
        {
            await File.WriteAllTextAsync(file, LoadReportJson.Write(report));
        }

        return report.Lost == 0 ? 0 : 1;
    }
}
