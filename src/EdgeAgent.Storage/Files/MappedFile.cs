using System.IO.MemoryMappedFiles;

namespace EdgeAgent.Storage.Files;

/// <summary>
/// A fixed-size file mapped into memory, read and written through a pointer. What is written survives the process (the
/// operating system writes the pages back whenever it likes) but not necessarily a power cut: nothing here flushes, by
/// design, so writing costs a memory copy and never a system call.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;

    public MappedFile(string path, long size)
    {
        using (var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read))
        {
            if (file.Length != size)
            {
                file.SetLength(size);
            }
        }

        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, size, MemoryMappedFileAccess.ReadWrite);
        _view = _map.CreateViewAccessor(0, size, MemoryMappedFileAccess.ReadWrite);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + _view.PointerOffset;
        Size = size;
    }

    public long Size { get; }

    /// <summary>The bytes at <paramref name="offset"/>; valid until disposal.</summary>
    public Span<byte> Span(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset + length > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        return new Span<byte>(_pointer + offset, length);
    }

    /// <summary>
    /// Lets the pages wholly inside the range leave the process's resident memory. Nothing is lost: the mapping is shared,
    /// so what was written stays in the file's page cache, and the next access maps the page in again (a minor fault).
    /// A ring that is only written ahead and read back soon after need not keep all of its file resident.
    /// </summary>
    public void Release(long offset, long length)
    {
        if (!OperatingSystem.IsLinux() || length <= 0)
        {
            return;
        }

        var page = Environment.SystemPageSize;
        var start = ((long)(_pointer + Math.Max(offset, 0)) + page - 1) / page * page;
        var end = (long)(_pointer + Math.Min(offset + length, Size)) / page * page;
        if (end > start)
        {
            _ = Native.DontNeed((nint)start, (nuint)(end - start));
        }
    }

    /// <summary>A pointer-backed memory over the same bytes, for readers that take <see cref="Memory{T}"/>.</summary>
    public Memory<byte> Memory(long offset, int length) => new Window(this, offset, length).Memory;

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    private sealed class Window(MappedFile file, long offset, int length) : System.Buffers.MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => file.Span(offset, length);

        public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => new(file._pointer + offset + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
