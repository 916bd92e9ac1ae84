using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Cloud.Fleet;

/// <summary>The store's link to the fleet service (section "Fleet"); off while <see cref="Host"/> is empty. Validated at start.</summary>
public sealed class FleetLinkOptions : IValidatableObject
{
    public const string Section = "Fleet";

    /// <summary>The section's name, as every options class of the agent names it.</summary>
    public const string SectionName = Section;

    /// <summary>The uplink broker the fleet reads (a generic MQTT 5 broker; mosquitto in tests). Empty: no fleet, local history only.</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>This store's login at the uplink broker; the broker's ACL makes it the store's identity.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>This store's id: its topics are <c>{TopicRoot}/{StoreId}/…</c> and the fleet checks it against the login.</summary>
    [RegularExpression("^[A-Za-z0-9._:-]{1,64}$")]
    public string? StoreId { get; set; }

    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[A-Za-z0-9_./-]+$")]
    public string TopicRoot { get; set; } = "edgeagent/fleet";

    /// <summary>How long a payment of a card with no profile waits for the fleet's answer before it is scored on local history. Default 20 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan FetchBudget { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How often waiting deltas are sent; zero sends only when asked (tests). Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Most deltas in one uplink message. Default 256.</summary>
    [Range(1, 4096)]
    public int MaxBatchDeltas { get; set; } = 256;

    /// <summary>Most deltas waiting for the link; beyond it the oldest are dropped and counted. Default 200,000.</summary>
    [Range(1, 10_000_000)]
    public int MaxOutbox { get; set; } = 200_000;

    /// <summary>How long a sent batch waits for the fleet's receipt before it is sent again. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ReceiptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && string.IsNullOrWhiteSpace(StoreId))
        {
            yield return new ValidationResult("The field StoreId is required when Fleet:Host is set.", [nameof(StoreId)]);
        }
    }
}
