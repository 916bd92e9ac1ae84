using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace EdgeAgent.Storage.Records;

/// <summary>Appends the binary fields of records: little-endian numbers, length-prefixed UTF-8 strings and byte arrays.</summary>
internal readonly struct RecordWriter(ArrayBufferWriter<byte> buffer)
{
    public int Position => buffer.WrittenCount;

    public void Byte(byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    public void Int32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    public void Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    public void Double(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    public void Single(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    public void Decimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        foreach (var b in bits)
        {
            Int32(b);
        }
    }

    /// <summary>A string, or null (length -1).</summary>
    public void String(string? value)
    {
        if (value is null)
        {
            Int32(-1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        Int32(length);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
        buffer.Advance(length);
    }

    /// <summary>Bytes, or none (length -1) when <paramref name="present"/> is false.</summary>
    public void Bytes(ReadOnlySpan<byte> value, bool present = true)
    {
        if (!present)
        {
            Int32(-1);
            return;
        }

        Int32(value.Length);
        value.CopyTo(buffer.GetSpan(value.Length));
        buffer.Advance(value.Length);
    }

    /// <summary>Overwrites the 4-byte length written at <paramref name="at"/>.</summary>
    public void PatchInt32(int at, int value) =>
        BinaryPrimitives.WriteInt32LittleEndian(System.Runtime.InteropServices.MemoryMarshal.AsMemory(buffer.WrittenMemory).Span[at..], value);
}
