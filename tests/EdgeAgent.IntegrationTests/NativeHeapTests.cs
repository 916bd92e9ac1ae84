using System.Runtime.InteropServices;
using EdgeAgent.IntegrationTests.Infrastructure;
using EdgeAgent.Onnx;

namespace EdgeAgent.IntegrationTests;

[Collection(ProcessMemoryCollection.Name)]
public sealed class NativeHeapTests
{
    [Fact]
    public void MemoryFreedInsideTheCHeap_LeavesTheProcess_WhenReturned()
    {
        // The agent and its images run on Linux with glibc, where this is what a model load leaves behind.
        Assert.True(OperatingSystem.IsLinux(), "the agent's C heap is glibc's");

        // 32 MB in 64 KB blocks, under glibc's mmap threshold so they come from the heap, each page written so it is
        // resident; one more block after them keeps them off the heap's top, which free() would trim by itself.
        const int BlockBytes = 64 * 1024;
        var blocks = new IntPtr[512];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(BlockBytes);
            for (var offset = 0; offset < BlockBytes; offset += 4096)
            {
                Marshal.WriteByte(blocks[i], offset, 1);
            }
        }

        var keep = Marshal.AllocHGlobal(BlockBytes);
        try
        {
            foreach (var block in blocks)
            {
                Marshal.FreeHGlobal(block);
            }

            var freedButResident = ResidentAnonymousKb();
            var returned = NativeHeap.ReturnFreePages();
            var after = ResidentAnonymousKb();

            Assert.True(returned, "malloc_trim returned nothing");
            Assert.True(freedButResident - after >= 16 * 1024, $"resident anonymous memory went from {freedButResident} kB to {after} kB");
        }
        finally
        {
            Marshal.FreeHGlobal(keep);
        }
    }

    private static long ResidentAnonymousKb() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("RssAnon:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}
