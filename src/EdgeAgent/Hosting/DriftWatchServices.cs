using EdgeAgent.Core.Scoring.Drift;
using EdgeAgent.Onnx;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Hosting;

/// <summary>Registration of the drift watch: its options, the monitor the scoring loop feeds, and the service that logs.</summary>
public static class DriftWatchServices
{
    /// <summary>
    /// Adds the <c>Drift</c> options (validated at start), the <see cref="DriftMonitor"/> singleton on the
    /// <c>EdgeAgent</c> meter, whose references come from the active model's card, and <see cref="DriftWatchService"/>.
    /// Needs the inference services (the <see cref="ModelHolder"/>).
    /// </summary>
    public static IServiceCollection AddDriftWatch(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddOptions<DriftOptions>().BindConfiguration(DriftOptions.SectionName, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var holder = sp.GetRequiredService<ModelHolder>();
            return new DriftMonitor(
                sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IOptions<DriftOptions>>().Value,
                model => holder.Current.Card is { } card && card.Identity == model ? card.Reference : null);
        });
        services.AddHostedService(sp => new DriftWatchService(
            sp.GetRequiredService<DriftMonitor>(),
            sp.GetRequiredService<IOptions<DriftOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DriftWatchService>>()));
        return services;
    }
}
