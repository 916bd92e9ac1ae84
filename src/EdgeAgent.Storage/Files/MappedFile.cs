using System.IO.MemoryMappedFiles;

namespace EdgeAgent.Storage.Files;

/// <summary>
/// A fixed-size file mapped into memory, read and written through a pointer. What is written survives the process (the
/// operating system writes the pages back whenever it likes), so writing costs a memory copy and never a system call; it
/// survives a power cut once <see cref="Flush"/> returns. The file's blocks are allocated up front: a mapped write never
/// meets a full device (which would end the process with SIGBUS rather than fail a call).
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;

    public MappedFile(string path, long size)
    {
        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (_stream.Length != size)
            {
                _stream.SetLength(size);
            }

            // Also for a file that exists: one written by an older agent, or copied, may be sparse.
            Native.Allocate(_stream.SafeFileHandle, size);
            _map = MemoryMappedFile.CreateFromFile(_stream, null, size, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
        }
        catch
        {
            _stream.Dispose();
            throw;
        }

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

    /// <summary>
    /// Makes everything written so far durable on the device: one <c>fdatasync</c> of the file, which writes back the dirty
    /// mapped pages (and only those). The blocks are allocated, so no metadata but the pages' own goes with it.
    /// </summary>
    public void Flush() => Native.FlushData(_stream.SafeFileHandle);

    /// <summary>A pointer-backed memory over the same bytes, for readers that take <see cref="Memory{T}"/>.</summary>
    public Memory<byte> Memory(long offset, int length) => new Window(this, offset, length).Memory;

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
        _stream.Dispose();
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
