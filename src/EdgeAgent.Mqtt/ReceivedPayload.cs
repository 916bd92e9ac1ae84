using System.Buffers;
using System.Runtime.InteropServices;

namespace EdgeAgent.Mqtt;

/// <summary>
/// The payload of a received payment, as the pipeline gets it: the very memory MQTTnet decoded the packet into, not a
/// copy. The pipeline wipes what it is given once it has parsed it, so a card number is then left nowhere: a copy would
/// leave the original in MQTTnet's buffer until the garbage collector reuses it. MQTTnet reads a packet's body into an
/// array of its own and does not look at a payment again once the agent has taken it (neither routed nor retained).
/// </summary>
internal static class ReceivedPayload
{
    /// <summary>The payload within <paramref name="maxBytes"/>, or empty (the pipeline refuses it by its length alone).</summary>
    public static Memory<byte> Take(ReadOnlySequence<byte> payload, int maxBytes)
    {
        if (payload.Length > maxBytes)
        {
            Wipe(payload);
            return Memory<byte>.Empty;
        }

        if (payload.IsSingleSegment)
        {
            return MemoryMarshal.AsMemory(payload.First);
        }

        // Several segments (not what MQTTnet gives today): one copy, and the originals wiped at once.
        var copy = payload.ToArray();
        Wipe(payload);
        return copy;
    }

    private static void Wipe(ReadOnlySequence<byte> payload)
    {
        foreach (var segment in payload)
        {
            MemoryMarshal.AsMemory(segment).Span.Clear();
        }
    }
}
