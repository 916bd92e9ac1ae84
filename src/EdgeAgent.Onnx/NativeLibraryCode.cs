using System.Globalization;
using System.Runtime.InteropServices;

namespace EdgeAgent.Onnx;

/// <summary>
/// Lets go of the pages of a native library's code that were read while a model was loaded and are not read again.
/// Building a session registers every kernel ONNX Runtime has, code spread over the whole library, so after a load most
/// of its machine code is resident (19 of 25 MiB); scoring the bundled tree model runs about 4 MiB of it
/// (docs/benchmarks.md).
/// The pages are only unmapped, not lost: they are clean copies of the library file, and whatever is run again is read
/// back from the page cache on its first use. Mappings that could hold the process's own data (writable ones, or any
/// with a page written) are left alone.
/// </summary>
public static class NativeLibraryCode
{
    private const int MadviseDontNeed = 4;

    /// <summary>
    /// Unmaps the resident pages of every read-only mapping of the library whose file name is
    /// <paramref name="fileName"/>. Returns the kilobytes that were resident in them; 0 where nothing matched or where
    /// the system has no such mappings to read (anything but Linux).
    /// </summary>
    public static long ReleaseResident(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        long released = 0;
        foreach (var mapping in CleanReadOnlyMappings(fileName))
        {
            if (Madvise((nint)mapping.Start, (nuint)(mapping.End - mapping.Start), MadviseDontNeed) == 0)
            {
                released += mapping.ResidentKb;
            }
        }

        return released;
    }

    /// <summary>The library's resident kilobytes in read-only mappings, as <c>/proc/self/smaps</c> counts them.</summary>
    public static long ResidentKb(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        return OperatingSystem.IsLinux() ? Mappings(fileName).Where(m => !m.Writable).Sum(m => m.ResidentKb) : 0;
    }

    // Read whole before any mapping changes: smaps is produced as it is read.
    private static List<Mapping> CleanReadOnlyMappings(string fileName) =>
        Mappings(fileName).Where(m => !m.Writable && m.DirtyKb == 0 && m.ResidentKb > 0).ToList();

    // /proc/self/smaps: a header line per mapping ("start-end perms offset dev inode path"), then "Key: value kB" lines.
    private static IEnumerable<Mapping> Mappings(string fileName)
    {
        Mapping? current = null;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                if (current is not null)
                {
                    yield return current;
                }

                current = null;
                if (fields.Length >= 6 && Path.GetFileName(fields[^1]) == fileName)
                {
                    var range = fields[0].Split('-');
                    current = new Mapping(
                        ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                        ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                        fields[1].Contains('w', StringComparison.Ordinal));
                }
            }
            else if (current is not null && fields.Length >= 2)
            {
                switch (fields[0])
                {
                    case "Rss:":
                        current.ResidentKb = long.Parse(fields[1], CultureInfo.InvariantCulture);
                        break;
                    case "Private_Dirty:":
                    case "Shared_Dirty:":
                        current.DirtyKb += long.Parse(fields[1], CultureInfo.InvariantCulture);
                        break;
                }
            }
        }

        if (current is not null)
        {
            yield return current;
        }
    }

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint address, nuint length, int advice);

    private sealed class Mapping(ulong start, ulong end, bool writable)
    {
        public ulong Start { get; } = start;

        public ulong End { get; } = end;

        public bool Writable { get; } = writable;

        public long ResidentKb { get; set; }

        public long DirtyKb { get; set; }
    }
}
