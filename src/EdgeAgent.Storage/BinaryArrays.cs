using System.Runtime.InteropServices;

namespace EdgeAgent.Storage;

/// <summary>
/// Numeric arrays stored as little-endian binary: a feature vector or a bucket array takes a quarter of the
/// space of a BSON array, which keeps the per-payment write small.
/// </summary>
internal static class BinaryArrays
{
    public static byte[] From<T>(ReadOnlySpan<T> values)
        where T : unmanaged => MemoryMarshal.AsBytes(values).ToArray();

    public static T[] To<T>(byte[] bytes)
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(bytes).ToArray();
}
