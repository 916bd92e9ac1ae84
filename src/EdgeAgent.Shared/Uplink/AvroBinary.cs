using System.Buffers;
using System.Numerics;
using System.Text;

namespace EdgeAgent.Shared.Uplink;

/// <summary>
/// Avro's binary encoding (Apache Avro 1.12 specification, "Binary Encoding"): longs and ints as zig-zag varints,
/// strings and bytes length-first, a union as its branch index then the value, an array as blocks of items ended by a
/// zero count, decimals as the unscaled value's big-endian two's complement. Only what the record batch writes.
/// </summary>
public sealed class AvroWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public AvroWriter(int capacity = 256)
    {
        _buffer = new ArrayBufferWriter<byte>(capacity);
    }

    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void Clear() => _buffer.Clear();

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public void WriteLong(long value)
    {
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var span = _buffer.GetSpan(10);
        var at = 0;
        while (zigzag >= 0x80)
        {
            span[at++] = (byte)(zigzag | 0x80);
            zigzag >>= 7;
        }

        span[at++] = (byte)zigzag;
        _buffer.Advance(at);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteLong(value.Length);
        _buffer.Write(value);
    }

    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLong(length);
        var span = _buffer.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _buffer.Advance(length);
    }

    /// <summary>A union's branch: <c>["null", T]</c> takes 0 for null, 1 for the value.</summary>
    public void WriteBranch(int index) => WriteLong(index);

    /// <summary>A nullable string as the union <c>["null","string"]</c>.</summary>
    public void WriteOptionalString(string? value)
    {
        if (value is null)
        {
            WriteBranch(0);
            return;
        }

        WriteBranch(1);
        WriteString(value);
    }

    public void WriteFloat(float value)
    {
        var span = _buffer.GetSpan(4);
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(span, value);
        _buffer.Advance(4);
    }

    /// <summary>The decimal logical type on <c>bytes</c>: <paramref name="value"/> rounded to <paramref name="scale"/> places.</summary>
    public void WriteDecimal(decimal value, int scale)
    {
        var unscaled = new BigInteger(Math.Round(value * Pow10(scale), 0, MidpointRounding.AwayFromZero));
        WriteBytes(unscaled.ToByteArray(isUnsigned: false, isBigEndian: true));
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    internal static decimal Pow10(int scale)
    {
        var result = 1m;
        for (var i = 0; i < scale; i++)
        {
            result *= 10;
        }

        return result;
    }
}

/// <summary>Reads what <see cref="AvroWriter"/> writes; throws <see cref="InvalidDataException"/> on a cut-off or malformed input.</summary>
public ref struct AvroReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _at;

    public AvroReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _at = 0;
    }

    public readonly bool End => _at >= _data.Length;

    public readonly int Position => _at;

    public long ReadLong()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_at >= _data.Length)
            {
                throw new InvalidDataException("The Avro data ends inside a number.");
            }

            var b = _data[_at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return (long)(value >> 1) ^ -(long)(value & 1);
            }
        }

        throw new InvalidDataException("An Avro number is longer than ten bytes.");
    }

    public int ReadInt()
    {
        var value = ReadLong();
        return value is < int.MinValue or > int.MaxValue ? throw new InvalidDataException("An Avro int is out of range.") : (int)value;
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadLong();
        if (length < 0 || length > _data.Length - _at)
        {
            throw new InvalidDataException("An Avro string or bytes runs past the data.");
        }

        var value = _data.Slice(_at, (int)length);
        _at += (int)length;
        return value;
    }

    public ReadOnlySpan<byte> ReadFixed(int length)
    {
        if (length > _data.Length - _at)
        {
            throw new InvalidDataException("The Avro data ends inside a fixed field.");
        }

        var value = _data.Slice(_at, length);
        _at += length;
        return value;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>A union's branch index, checked against the branches the schema has.</summary>
    public int ReadBranch(int branches)
    {
        var index = ReadLong();
        return index < 0 || index >= branches ? throw new InvalidDataException("An Avro union branch is out of range.") : (int)index;
    }

    public string? ReadOptionalString() => ReadBranch(2) == 0 ? null : ReadString();

    public float ReadFloat() => System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(ReadFixed(4));

    public decimal ReadDecimal(int scale)
    {
        var bytes = ReadBytes();
        if (bytes.Length is 0 or > 12)
        {
            throw new InvalidDataException("An Avro decimal is empty or wider than 96 bits.");
        }

        return (decimal)new BigInteger(bytes, isUnsigned: false, isBigEndian: true) / AvroWriter.Pow10(scale);
    }

    /// <summary>
    /// The item count of the next block of an array or map (0 at its end). A negative count is followed by the
    /// block's size in bytes, which a reader that reads every item skips.
    /// </summary>
    public long ReadBlockCount()
    {
        var count = ReadLong();
        if (count < 0)
        {
            ReadLong();
            count = -count;
        }

        return count > _data.Length - _at ? throw new InvalidDataException("An Avro block claims more items than bytes left.") : count;
    }
}
