
namespace EdgeAgent.FaultTests.Support;

/// <summary>
/// A folder mounted through stallfs (<c>scripts/lib/stallfs.c</c>, a pass-through FUSE file system): every file operation
/// goes to a backing folder, and a flush (<c>fsync</c>, <c>fdatasync</c>) does its real work and then waits while the
/// test holds the device (<see cref="Hold"/>), as a device whose flush stalls. Needs root, <c>/dev/fuse</c>, gcc and
/// libfuse3 (scripts/test.sh installs fuse3 and libfuse3-dev); elsewhere <see cref="MountAsync"/> says what is missing.
/// </summary>
internal sealed class StallingDisk : IAsyncDisposable
{
    private readonly TempDirectory _root = new();
    private ExternalProcess? _process;

    private StallingDisk()
    {
        Directory.CreateDirectory(Backing);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The mounted folder.</summary>
    public string Path => System.IO.Path.Combine(_root.Path, "mnt");

    private string Backing => System.IO.Path.Combine(_root.Path, "backing");

    private string HoldFile => System.IO.Path.Combine(_root.Path, "hold");

    private string LogFile => System.IO.Path.Combine(_root.Path, "stalls.log");

    /// <summary>Flushes that began while the device was held (each one logged by stallfs when it starts waiting).</summary>
    public int HeldFlushes => File.Exists(LogFile) ? File.ReadLines(LogFile).Count(l => l.StartsWith("holding", StringComparison.Ordinal)) : 0;

    public static async Task<StallingDisk> MountAsync()
    {
        var binary = await BuildAsync();
        var disk = new StallingDisk();
        disk._process = ExternalProcess.Start(binary, [disk.Backing, disk.Path, "--hold", disk.HoldFile, "--log", disk.LogFile]);

        // Mounted once a file of the backing folder shows through the mount point, and a flush there has come back.
        var probe = System.IO.Path.Combine(disk.Backing, ".mounted");
        await File.WriteAllTextAsync(probe, "");
        await Eventually.TrueAsync(() => File.Exists(System.IO.Path.Combine(disk.Path, ".mounted")) || disk._process.HasExited,
            "stallfs is mounted", TimeSpan.FromSeconds(20));
        Assert.False(disk._process.HasExited, "stallfs could not mount (the fault tests run as root, with /dev/fuse): " + disk._process.Output);
        using (var flushed = new FileStream(System.IO.Path.Combine(disk.Path, ".mounted"), FileMode.Open, FileAccess.Write))
        {
            flushed.Flush(flushToDisk: true);
        }

        return disk;
    }

    /// <summary>From now on, every flush waits (after doing its work) until <see cref="Release"/>.</summary>
    public void Hold() => File.WriteAllText(HoldFile, "");

    public void Release() => File.Delete(HoldFile);

    public async ValueTask DisposeAsync()
    {
        // Never leave a flush held: a process waiting on it could not even be killed.
        Release();
        await ExternalProcess.RunAsync("fusermount3", ["-u", "-z", Path], TimeSpan.FromSeconds(20));
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _root.Dispose();
    }

    /// <summary>Compiles stallfs once per test run (a few hundred lines of C).</summary>
    private static async Task<string> BuildAsync()
    {
        var source = Repository.PathOf("scripts/lib/stallfs.c");
        var binary = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"edgeagent-stallfs-{File.GetLastWriteTimeUtc(source).Ticks:x}");
        await Gate.WaitAsync();
        try
        {
            if (!File.Exists(binary))
            {
                var (code, output) = await ExternalProcess.RunAsync("sh",
                    ["-c", $"gcc -O2 -Wall -o '{binary}.tmp' '{source}' $(pkg-config fuse3 --cflags --libs) -lm && mv '{binary}.tmp' '{binary}'"],
                    TimeSpan.FromSeconds(120));
                Assert.True(code == 0, $"stallfs did not build (it needs gcc and libfuse3-dev; scripts/test.sh installs them): {output}");
            }
        }
        finally
        {
            Gate.Release();
        }

        return binary;
    }

    private static readonly SemaphoreSlim Gate = new(1, 1);
}
