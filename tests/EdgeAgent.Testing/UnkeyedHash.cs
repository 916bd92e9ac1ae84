using EdgeAgent.Core.Features;
using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Testing;

/// <summary>
/// FNV-1a (<see cref="StableHash"/>) over a message's topic and payload, xor its length: the unkeyed hash an older
/// poison ledger kept, which the tests look for on disk, and all a fake ledger needs (the same hash for the same message).
/// </summary>
public static class UnkeyedHash
{
    public static long Of(InboundMessage message)
    {
        var hash = StableHash.Append(StableHash.Offset64, message.Topic);
        foreach (var b in message.Payload.Span)
        {
            hash = StableHash.Append(hash, b);
        }

        return (long)(hash ^ (ulong)message.Length);
    }
}
