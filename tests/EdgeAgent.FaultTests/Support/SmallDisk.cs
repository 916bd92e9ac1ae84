
namespace EdgeAgent.FaultTests.Support;

/// <summary>
/// A small tmpfs mounted on a temporary folder, to be filled up and freed again by a test. Needs root (CI runs the tests
/// as root); elsewhere <see cref="MountAsync"/> says why it could not mount, and the test that needs it fails with that.
/// </summary>
internal sealed class SmallDisk : IAsyncDisposable
{
    private readonly TempDirectory _mountPoint = new();

    public string Path => _mountPoint.Path;

    public string Filler => System.IO.Path.Combine(Path, "filler.bin");

    public static async Task<SmallDisk> MountAsync(int megabytes)
    {
        var disk = new SmallDisk();
        var (code, output) = await ExternalProcess.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", disk.Path], TimeSpan.FromSeconds(20));
        Assert.True(code == 0, $"mounting a {megabytes} MB tmpfs failed (the fault tests run as root): {output}");
        return disk;
    }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Fills the device until only <paramref name="leaveBytes"/> are free.</summary>
    public void FillLeaving(long leaveBytes)
    {
        var block = new byte[1 << 20];
        using var file = new FileStream(Filler, FileMode.Append, FileAccess.Write);
        while (FreeBytes - block.Length > leaveBytes)
        {
            file.Write(block);
            file.Flush();
        }
    }

    public void Free() => File.Delete(Filler);

    public async ValueTask DisposeAsync()
    {
        await ExternalProcess.RunAsync("umount", ["-l", Path], TimeSpan.FromSeconds(20));
        _mountPoint.Dispose();
    }
}
