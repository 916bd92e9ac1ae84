using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Cloud.Control;

/// <summary>
/// Applies desired properties to the running agent:
/// <c>{"decision":{"reviewThreshold":…,"declineThreshold":…},"model":"…" or {"name","version","sha256","url"},"metricsIntervalSeconds":…,
/// "buffer":{"maxBytes":…,"maxAgeHours":…,"fullPolicy":"DropMetricsFirst"}}</c>. A key that is absent (or deleted)
/// returns to configuration, except the model, which stays where it is. A value that cannot work is refused, named
/// in the reported properties, and changes nothing. Remote control is bounded by the node's own configuration: a
/// threshold may be lowered freely (stricter) but raised only up to <see cref="CloudOptions.MaxReviewThreshold"/> /
/// <see cref="CloudOptions.MaxDeclineThreshold"/> (by default the model card's or the configured value), and the
/// buffer caps only within what configuration allows, so that whoever controls the twin cannot make the agent
/// approve everything or throw its unsent records away. A model assigned by value is downloaded (bounded in size and
/// time), and switched to only when its card is signed by a trusted key and the file is the one the card names; until
/// then, and when it is refused, the running model stays.
/// </summary>
public sealed class DesiredPropertiesApplier(
    CloudOptions options,
    DecisionOptions configuredDecision,
    DecisionPolicy? policy,
    IModelControl? models,
    AgentDescription agent,
    CloudRuntimeSettings settings,
    ModelDownloader? downloader = null,
    TimeProvider? time = null)
{
    private readonly ModelDownloader _downloader = downloader ?? new ModelDownloader(options);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private ModelRequestOutcome? _lastRequest;

    public const string NoModelControl = "model switching is not available in this agent";

    /// <summary>Smallest buffer the twin may set (unless configuration is smaller): room for some hours of records.</summary>
    public const long MinRemoteBufferBytes = 1_048_576;

    /// <summary>Shortest buffer age the twin may set (unless configuration is shorter).</summary>
    public const double MinRemoteBufferAgeHours = 1;

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

        var remoteReview = review;
        var remoteDecline = decline;
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

        var beyond = BeyondBound(remoteReview, options.MaxReviewThreshold, model.Review, configuredDecision.ReviewThreshold, "reviewThreshold")
            ?? BeyondBound(remoteDecline, options.MaxDeclineThreshold, model.Decline, configuredDecision.DeclineThreshold, "declineThreshold");
        if (beyond is not null)
        {
            errors["decision"] = beyond;
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

        if (node is JsonObject assigned)
        {
            await ApplyAssignedModelAsync(assigned, errors, cancellationToken);
            return;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String || value.GetValue<string>() is not { Length: > 0 } name)
        {
            errors["model"] = "a model's card name, or an object with name, version, sha256 and url";
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
        Remember(new ModelRequestOutcome(name, null, null, result));
        if (!result.Switched)
        {
            errors["model"] = result.Reason;
        }
    }

    private async Task ApplyAssignedModelAsync(JsonObject node, SortedDictionary<string, string> errors, CancellationToken cancellationToken)
    {
        if (ModelAssignment.Parse(node, out var problem) is not { } assignment)
        {
            errors["model"] = problem!;
            return;
        }

        if (models is null)
        {
            errors["model"] = NoModelControl;
            ModelStatus = NoModelControl;
            return;
        }

        if (assignment.CardName == models.ActiveName)
        {
            return;
        }

        // The same assignment refused before is not fetched again at every reconnect: a new one (or a new version) is.
        if (_lastRequest is { Switched: false } last && last.Assignment == assignment)
        {
            errors["model"] = last.Result.Reason;
            return;
        }

        ModelSwitchResult result;
        string? folder = null;
        try
        {
            folder = await _downloader.DownloadAsync(assignment, models.IncomingPath, cancellationToken);
            result = await models.InstallAsync(assignment.CardName, folder, cancellationToken);
        }
        catch (ModelDownloadException ex)
        {
            result = models.Refuse(assignment.CardName, ex.Reason, ex.Message);
        }
        catch (IOException ex)
        {
            result = models.Refuse(assignment.CardName, ModelRefusalReasons.Download, $"the model could not be written to the models folder ({ex.Message})");
        }
        finally
        {
            if (folder is not null && Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        Remember(new ModelRequestOutcome(assignment.CardName, assignment, null, result));
        if (!result.Switched)
        {
            errors["model"] = result.Reason;
        }
    }

    private void Remember(ModelRequestOutcome outcome)
    {
        _lastRequest = outcome with { At = _time.GetUtcNow() };
        ModelStatus = outcome.Result.Reason;
    }

    /// <summary>The model part of the reported properties: what scores, who signed it, the last request and the last refusal.</summary>
    public ReportedModel? ReportModel()
    {
        if (models is null)
        {
            return null;
        }

        var active = models.Active;
        var request = _lastRequest is { } last
            ? new ReportedModelRequest(last.Name, last.Assignment?.Sha256, last.Assignment?.Url.ToString(), last.Switched ? "active" : "refused",
                last.Result.Refusal, last.Switched ? null : last.Result.Reason, last.At?.ToString("O", CultureInfo.InvariantCulture))
            : null;
        var refusal = models.LastRefusal is { } refused
            ? new ReportedModelRefusal(refused.Model, refused.Reason, refused.Detail, refused.At.ToString("O", CultureInfo.InvariantCulture))
            : null;
        return new ReportedModel(models.ActiveName, active.Name, active.Version, models.SignedBy, request, refusal);
    }

    /// <summary>A request to change the model and what became of it.</summary>
    private sealed record ModelRequestOutcome(string Name, ModelAssignment? Assignment, DateTimeOffset? At, ModelSwitchResult Result)
    {
        public bool Switched => Result.Switched;
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
                // The twin may shrink the caps, not grow them past configuration (disk), nor shrink them to nothing (records dropped).
                var minBytes = Math.Min(options.BufferMaxBytes, MinRemoteBufferBytes);
                var minHours = Math.Min(options.BufferMaxAgeHours, MinRemoteBufferAgeHours);
                if (!TryNumber(buffer["maxBytes"], out var bytes) || bytes < minBytes || bytes > options.BufferMaxBytes)
                {
                    errors["buffer.maxBytes"] = string.Create(CultureInfo.InvariantCulture, $"bytes in [{minBytes}, {options.BufferMaxBytes}] (Cloud:BufferMaxBytes is the most)");
                }
                else if (bytes is { } b)
                {
                    maxBytes = (long)b;
                }

                if (!TryNumber(buffer["maxAgeHours"], out var hours) || hours < minHours || hours > options.BufferMaxAgeHours)
                {
                    errors["buffer.maxAgeHours"] = string.Create(CultureInfo.InvariantCulture, $"hours in [{minHours}, {options.BufferMaxAgeHours}] (Cloud:BufferMaxAgeHours is the most)");
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

    /// <summary>
    /// Why a threshold the cloud asks for is higher than the node allows (null when within): the configured maximum, else
    /// the larger of the model card's and the configured threshold.
    /// </summary>
    private static string? BeyondBound(double? requested, double? maximum, double fromCard, double? configured, string name)
    {
        var bound = maximum ?? Math.Max(fromCard, configured ?? fromCard);
        return requested is { } value && value > bound
            ? string.Create(CultureInfo.InvariantCulture, $"{name} {value} is above {bound}, the highest the node allows remotely (Cloud:Max{char.ToUpperInvariant(name[0])}{name[1..]})")
            : null;
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
            // Through the JSON text: a node built in code may hold an int or a long, which GetValue<double> refuses.
            value = double.Parse(json.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
            return double.IsFinite(value.Value);
        }

        return false;
    }

    /// <summary>The refusals as one line, for the reported properties (twin values hold no arrays).</summary>
    public static string? Describe(IReadOnlyDictionary<string, string> errors) =>
        errors.Count == 0 ? null : string.Join("; ", errors.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}: {e.Value}")));
}
