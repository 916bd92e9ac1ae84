using System.Text.Json;

namespace EdgeAgent.Cloud.Transport;

/// <summary>What a transport hands to the agent: connection, desired properties and direct methods.</summary>
public interface ICloudCommandHandler
{
    /// <summary>After every connect, once subscribed (and, for a twin, once the whole twin was fetched).</summary>
    Task OnConnectedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Desired properties with their <c>$version</c>: the whole set (<paramref name="complete"/>, after each connect) or a
    /// patch (<c>null</c> deletes a key). Older versions than one already applied must be ignored.
    /// </summary>
    Task OnDesiredPropertiesAsync(JsonElement desired, bool complete, CancellationToken cancellationToken);

    /// <summary>A control message the transport refused as not from the cloud (unsigned, badly signed, stale), to be reported.</summary>
    Task OnControlRefusedAsync(string reason, CancellationToken cancellationToken);

    /// <summary>A direct method; unknown methods answer 501, bad payloads 400.</summary>
    Task<CloudMethodResponse> OnMethodAsync(string method, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
