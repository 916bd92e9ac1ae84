using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Fleet.Hosting;

/// <summary>The fleet service's settings (section "Fleet"), validated at start.</summary>
public sealed class FleetOptions : IValidatableObject
{
    public const string Section = "Fleet";

    /// <summary>Port the silo talks to other silos on.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients (the uplink) connect to.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Address other silos and clients reach this silo at; in a pod, the pod's IP.</summary>
    [Required]
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Redis that holds the membership table and the card profiles (StackExchange.Redis syntax).</summary>
    [Required(AllowEmptyStrings = false)]
    public string RedisConnectionString { get; set; } = "";

    /// <summary>Cluster id: silos with the same id in the same Redis form one cluster.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ClusterId { get; set; } = "edgeagent-fleet";

    /// <summary>Service id: names the persisted state, so it must stay the same across deployments.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ServiceId { get; set; } = "edgeagent-fleet";

    /// <summary>Most deltas in one batch; a larger batch is refused whole. Default 512, an agent's per-card history.</summary>
    [Range(1, 4096)]
    public int MaxBatchDeltas { get; set; } = 512;

    /// <summary>How far ahead of the fleet's clock an event time may be (terminal clocks drift). Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest amount accepted; beyond it a delta is refused as corrupt. Default 1,000,000.</summary>
    [Range(1.0, 1e12)]
    public double MaxAmount { get; set; } = 1_000_000;

    /// <summary>Most store slots per card; a card seen in more stores within a week is refused new slots. Default 256.</summary>
    [Range(1, 100_000)]
    public int MaxStoresPerCard { get; set; } = 256;

    /// <summary>Shortest time between two log lines for the same refusal reason. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RefusalLogInterval { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!System.Net.IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return new ValidationResult("The field AdvertisedAddress must be an IP address.", [nameof(AdvertisedAddress)]);
        }
    }
}
