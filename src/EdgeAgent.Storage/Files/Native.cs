using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeAgent.Storage.Files;

/// <summary>The POSIX calls .NET does not offer on a handle it did not open for writing, or on a directory.</summary>
internal static partial class Native
{
    private const int ReadOnly = 0;

    /// <summary>errno of a full device.</summary>
    public const int NoSpace = 28;

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int FdataSync(SafeFileHandle fd);

    [DllImport("libc", EntryPoint = "posix_fallocate")]
    private static extern int PosixFallocate(SafeFileHandle fd, long offset, long length);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FSync(int fd);

    private const int MadviseDontNeed = 4;

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static extern int Madvise(nint address, nuint length, int advice);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);

    /// <summary>Flushes a file's data (and the metadata needed to read it back, such as its size) to the device.</summary>
    public static void FlushData(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        if (FdataSync(handle) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"fdatasync failed: errno {errno}", errno);
        }
    }

    /// <summary>
    /// Allocates the file's blocks for its whole length, so that writing to it (through a mapping, too) can never meet a
    /// full device: a mapped write to a hole the device cannot fill ends the process with SIGBUS. Throws with the errno
    /// (<see cref="NoSpace"/> when the device is full) as the exception's HResult.
    /// </summary>
    public static void Allocate(SafeFileHandle handle, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // posix_fallocate returns the error rather than setting errno.
        var error = PosixFallocate(handle, 0, length);
        if (error != 0)
        {
            throw new IOException($"posix_fallocate of {length} bytes failed: errno {error}", error);
        }
    }

    /// <summary>Drops mapped pages from the process's resident set (MADV_DONTNEED); 0 on success. Linux only.</summary>
    public static int DontNeed(nint address, nuint length) => Madvise(address, length, MadviseDontNeed);

    /// <summary>Flushes a directory, so that files created in it survive a power cut.</summary>
    public static void FlushDirectory(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var fd = Open(path, ReadOnly);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = FSync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }
}
