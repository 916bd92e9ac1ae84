namespace EdgeAgent.Telemetry;

/// <summary>The default <see cref="IControlPlaneAccess"/> until the control plane has authentication: nobody is an operator.</summary>
public sealed class NoControlPlaneAccess : IControlPlaneAccess
{
    public bool IsAuthenticated(HttpContext context) => false;
}
