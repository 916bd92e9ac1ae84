using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Scoring;

/// <summary>Checks a model card against the feature schema this agent computes.</summary>
public static class ModelCardCheck
{
    /// <summary>Every way the card disagrees with the agent's feature schema; empty when it agrees.</summary>
    public static IReadOnlyList<string> AgainstFeatureSchema(ModelCard card)
    {
        var problems = new List<string>();
        if (card.Features.SchemaVersion != FeatureSchema.Version)
        {
            problems.Add($"feature schema version: the card says '{card.Features.SchemaVersion}', the agent computes '{FeatureSchema.Version}'");
        }

        var names = card.Features.Names;
        if (names.Count != FeatureSchema.Count)
        {
            problems.Add($"feature count: the card lists {names.Count}, the agent computes {FeatureSchema.Count}");
        }

        for (var i = 0; i < Math.Min(names.Count, FeatureSchema.Count); i++)
        {
            if (names[i] != FeatureSchema.Names[i])
            {
                problems.Add($"feature {i}: the card says '{names[i]}', the agent computes '{FeatureSchema.Names[i]}'");
            }
        }

        if (card.Input.Shape.Length != 2 || card.Input.Shape[1] != FeatureSchema.Count)
        {
            problems.Add($"input shape: the card says [{string.Join(", ", card.Input.Shape)}], the agent feeds [batch, {FeatureSchema.Count}]");
        }

        try
        {
            card.Thresholds.AsThresholds.Validate();
        }
        catch (ArgumentException ex)
        {
            problems.Add("thresholds: " + ex.Message);
        }

        return problems;
    }
}
