using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Security;

/// <summary>
/// The HTTP control plane (configuration section <c>ControlPlane</c>): the endpoints that change the running agent
/// (model activation). Health, metrics and status stay open and read-only.
/// </summary>
public sealed class ControlPlaneOptions : IValidatableObject
{
    public const string SectionName = "ControlPlane";

    /// <summary>
    /// A file holding the bearer token (at least 32 characters; <c>EdgeAgent credentials init</c> writes one), read again
    /// when it changes. A mounted secret. Unset (default): no request is authenticated and every endpoint that changes
    /// state answers 401.
    /// </summary>
    public string? TokenFile { get; set; }

    /// <summary>
    /// Whether state-changing requests may come from other hosts. Default false: only from this host (a port-forward
    /// or <c>docker exec</c>), since the token would cross the network in clear over plain HTTP.
    /// </summary>
    public bool AllowRemote { get; set; }

    /// <summary>Requests per minute to the control endpoints from one address, authenticated or not; more answer 429. Default 10.</summary>
    [Range(1, 10_000)]
    public int PermitsPerMinute { get; set; } = 10;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A configured but missing token (a secret that was not mounted) would silently leave the control plane shut.
        if (!string.IsNullOrWhiteSpace(TokenFile) && !File.Exists(TokenFile))
        {
            yield return new ValidationResult($"ControlPlane:TokenFile names {TokenFile}, which does not exist.", [nameof(TokenFile)]);
        }
    }
}
