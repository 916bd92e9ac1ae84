namespace EdgeAgent.Telemetry;

/// <summary>
/// Whether a request comes from an operator of the control plane. Unauthenticated callers (anyone on the store's
/// LAN) see figures and states; the decision thresholds and the like are shown only to authenticated ones.
/// </summary>
public interface IControlPlaneAccess
{
    bool IsAuthenticated(HttpContext context);
}
