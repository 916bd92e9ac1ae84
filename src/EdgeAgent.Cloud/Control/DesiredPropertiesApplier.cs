using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Cloud.Control;

/// <summary>
/// Applies desired properties to the running agent:
/// <c>{"decision":{"reviewThreshold":…,"declineThreshold":…},"model":"…","metricsIntervalSeconds":…,
/// "buffer":{"maxBytes":…,"maxAgeHours":…,"fullPolicy":"DropMetricsFirst"}}</c>. A key that is absent (or deleted)
/// returns to configuration, except the model, which stays where it is. A value that cannot work is refused, named
/// in the reported properties, and changes nothing.
/// </summary>
public sealed class DesiredPropertiesApplier(
    CloudOptions options,
    DecisionOptions configuredDecision,
    DecisionPolicy? policy,
    IModelControl? models,
    AgentDescription agent,
    CloudRuntimeSettings settings)
{
    public const string NoModelControl = "model switching is not available in this agent";

    /// <summary>What the last model request came to.</summary>
    public string? ModelStatus { get; private set; }

    /// <summary>Applies <paramref name="desired"/>; returns the refusals by key (empty when all applied).</summary>
    public async Task<IReadOnlyDictionary<string, string>> ApplyAsync(JsonObject desired, CancellationToken cancellationToken)
    {
        var errors = new SortedDictionary<string, string>(StringComparer.Ordinal);
        ApplyDecision(desired["decision"], errors);
        await ApplyModelAsync(desired["model"], errors, cancellationToken);
        ApplySettings(desired, errors);
        return errors;
    }

    private void ApplyDecision(JsonNode? node, SortedDictionary<string, string> errors)
    {
        if (node is not null and not JsonObject)
        {
            errors["decision"] = "an object with reviewThreshold and declineThreshold";
            return;
        }

        var decision = node as JsonObject;
        if (!TryNumber(decision?["reviewThreshold"], out var review) || !TryNumber(decision?["declineThreshold"], out var decline))
        {
            errors["decision"] = "thresholds are numbers in [0, 1], or null for the model's";
            return;
        }

        review ??= configuredDecision.ReviewThreshold;
        decline ??= configuredDecision.DeclineThreshold;
        if (policy is null || (review == policy.ReviewOverride && decline == policy.DeclineOverride))
        {
            return;
        }

        if (agent.ModelThresholds() is not { } model)
        {
            errors["decision"] = "no model is loaded";
            return;
        }

        try
        {
            policy.Override(review, decline, model);
        }
        catch (ArgumentException ex)
        {
            errors["decision"] = ex.Message;
        }
    }

    private async Task ApplyModelAsync(JsonNode? node, SortedDictionary<string, string> errors, CancellationToken cancellationToken)
    {
        if (node is null)
        {
            return;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String || value.GetValue<string>() is not { Length: > 0 } name)
        {
            errors["model"] = "a model's card name";
            return;
        }

        if (models is null)
        {
            errors["model"] = NoModelControl;
            ModelStatus = NoModelControl;
            return;
        }

        if (name == models.ActiveName)
        {
            return;
        }

        var result = await models.ActivateAsync(name, cancellationToken);
        ModelStatus = result.Reason;
        if (!result.Switched)
        {
            errors["model"] = result.Reason;
        }
    }

    private void ApplySettings(JsonObject desired, SortedDictionary<string, string> errors)
    {
        var interval = TimeSpan.FromSeconds(options.MetricsIntervalSeconds);
        if (!TryNumber(desired["metricsIntervalSeconds"], out var seconds) || seconds is < 1 or > 86_400)
        {
            errors["metricsIntervalSeconds"] = "seconds in [1, 86400]";
        }
        else if (seconds is { } s)
        {
            interval = TimeSpan.FromSeconds(s);
        }

        var maxBytes = options.BufferMaxBytes;
        var maxAge = TimeSpan.FromHours(options.BufferMaxAgeHours);
        var policyWhenFull = options.BufferFullPolicy;
        if (desired["buffer"] is { } bufferNode)
        {
            if (bufferNode is not JsonObject buffer)
            {
                errors["buffer"] = "an object with maxBytes, maxAgeHours and fullPolicy";
            }
            else
            {
                if (!TryNumber(buffer["maxBytes"], out var bytes) || bytes is < 10_000)
                {
                    errors["buffer.maxBytes"] = "bytes, at least 10000";
                }
                else if (bytes is { } b)
                {
                    maxBytes = (long)b;
                }

                if (!TryNumber(buffer["maxAgeHours"], out var hours) || hours is <= 0 or > 87_600)
                {
                    errors["buffer.maxAgeHours"] = "hours in (0, 87600]";
                }
                else if (hours is { } h)
                {
                    maxAge = TimeSpan.FromHours(h);
                }

                if (buffer["fullPolicy"] is { } policyNode)
                {
                    if (policyNode is JsonValue text && text.GetValueKind() == JsonValueKind.String
                        && Enum.TryParse<BufferFullPolicy>(text.GetValue<string>(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
                    {
                        policyWhenFull = parsed;
                    }
                    else
                    {
                        errors["buffer.fullPolicy"] = string.Join(" or ", Enum.GetNames<BufferFullPolicy>());
                    }
                }
            }
        }

        settings.Update(interval, maxBytes, maxAge, policyWhenFull);
    }

    /// <summary>A number, or null for absent/null; false for anything else.</summary>
    private static bool TryNumber(JsonNode? node, out double? value)
    {
        value = null;
        if (node is null)
        {
            return true;
        }

        if (node is JsonValue json && json.GetValueKind() == JsonValueKind.Number)
        {
            value = json.GetValue<double>();
            return double.IsFinite(value.Value);
        }

        return false;
    }

    /// <summary>The refusals as one line, for the reported properties (twin values hold no arrays).</summary>
    public static string? Describe(IReadOnlyDictionary<string, string> errors) =>
        errors.Count == 0 ? null : string.Join("; ", errors.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}: {e.Value}")));
}
