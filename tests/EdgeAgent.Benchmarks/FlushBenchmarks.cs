using BenchmarkDotNet.Attributes;

namespace EdgeAgent.Benchmarks;

/// <summary>
/// What durability costs on this device, alone: a page appended to a file and flushed to the device (fsync), as every
/// group commit of the record does once after LiteDB's write (<see cref="RecordBenchmarks.Commit"/> includes it). The
/// difference between the two is what LiteDB itself costs.
/// </summary>
[MemoryDiagnoser]
public class FlushBenchmarks
{
    private readonly byte[] _page = new byte[8192];
    private string _folder = "";
    private FileStream _file = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("edgeagent-bench-").FullName;
        _file = new FileStream(Path.Combine(_folder, "flush.bin"), FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _file.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public long AppendAndFlushAPage()
    {
        if (_file.Length > 64L * 1024 * 1024)
        {
            _file.SetLength(0);
        }

        _file.Write(_page);
        _file.Flush(flushToDisk: true);
        return _file.Length;
    }
}
