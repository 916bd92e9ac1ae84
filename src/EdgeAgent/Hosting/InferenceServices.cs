using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Onnx;

namespace EdgeAgent.Hosting;

/// <summary>Registration of scoring: the active model, the registry that switches it, the folder watcher, the shadow model.</summary>
public static class InferenceServices
{
    public static IServiceCollection AddInference(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var inference = sp.Value<InferenceOptions>();
            return new ModelHolder(ModelLoader.Load(ModelLoader.ResolveModelsPath(inference.ModelsPath), inference.Model, inference));
        });
        services.AddSingleton<IScorerSource>(sp => sp.GetRequiredService<ModelHolder>());
        services.AddSingleton(sp =>
        {
            var inference = sp.Value<InferenceOptions>();
            return new ModelRegistry(sp.GetRequiredService<ModelHolder>(), ModelLoader.ResolveModelsPath(inference.ModelsPath), inference,
                sp.GetRequiredService<ILogger<ModelRegistry>>(),
                new ModelRefusals(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        });
        services.AddSingleton<IModelControl>(sp => sp.GetRequiredService<ModelRegistry>());
        services.AddSingleton(sp =>
        {
            var inference = sp.Value<InferenceOptions>();
            return new ShadowModel(string.IsNullOrWhiteSpace(inference.ShadowModel)
                ? null
                : new ModelHolder(ModelLoader.Load(ModelLoader.ResolveModelsPath(inference.ModelsPath), inference.ShadowModel, inference)));
        });
        services.AddHostedService(sp => new ModelFolderWatcher(sp.GetRequiredService<ModelRegistry>(), sp.Value<InferenceOptions>(),
            sp.GetRequiredService<ILogger<ModelFolderWatcher>>()));
        return services;
    }
}
