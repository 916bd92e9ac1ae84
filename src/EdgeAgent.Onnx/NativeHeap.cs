using System.Runtime.InteropServices;

namespace EdgeAgent.Onnx;

/// <summary>
/// Hands the C heap's free pages back to the system. Loading a model parses its graph and builds the session in native
/// memory, and much of what that allocates is freed again once the session is built; glibc keeps freed memory inside
/// its heap, resident, until something returns it. Measured on the bundled tree model: 4 MB of the heap returned right
/// after start, 6 MB after the warm-up load (docs/benchmarks.md).
/// </summary>
public static class NativeHeap
{
    /// <summary>
    /// Returns free pages to the system: true when some were returned, false when none were free or where the C library
    /// has no <c>malloc_trim</c> (musl, macOS, Windows).
    /// </summary>
    public static bool ReturnFreePages()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallocTrim(0) == 1;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
