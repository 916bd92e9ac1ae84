using Orleans.Serialization;

namespace EdgeAgent.Fleet.Hosting;

/// <summary>
/// What the fleet lets cross the wire beside its own contracts. A grain whose storage fails throws Redis's own exception;
/// Orleans serializes exceptions only from the namespaces it is told to, so without this the caller (another silo's
/// uplink, the view, a client) receives Orleans' <c>CodecNotFoundException</c> for <c>RedisConnectionException</c> instead
/// of the failure. Silos and the fleet's clients apply the same rule.
/// </summary>
public static class FleetWire
{
    /// <summary>The namespace of the grain store's exceptions.</summary>
    public const string StoreExceptions = "StackExchange.Redis";

    /// <summary>Lets the grain store's exceptions reach the caller as themselves: type, message and stack.</summary>
    public static void Exceptions(ExceptionSerializationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.SupportedNamespacePrefixes.Add(StoreExceptions);
    }
}
