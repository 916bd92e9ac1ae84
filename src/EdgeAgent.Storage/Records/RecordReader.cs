using System.Buffers.Binary;
using System.Text;

namespace EdgeAgent.Storage.Records;

/// <summary>Reads what <see cref="RecordWriter"/> wrote; throws <see cref="InvalidDataException"/> on anything malformed.</summary>
internal ref struct RecordReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _at;

    public readonly bool AtEnd => _at >= _data.Length;

    public readonly int Position => _at;

    public byte Byte() => Take(1)[0];

    public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public float Single() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public decimal Decimal()
    {
        Span<int> bits = [Int32(), Int32(), Int32(), Int32()];
        return new decimal(bits);
    }

    public string? String()
    {
        var length = Int32();
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    public byte[]? Bytes()
    {
        var length = Int32();
        return length < 0 ? null : Take(length).ToArray();
    }

    /// <summary>Skips a length-prefixed value without copying it.</summary>
    public ReadOnlySpan<byte> BytesSpan()
    {
        var length = Int32();
        return length < 0 ? [] : Take(length);
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _at + count > _data.Length)
        {
            throw new InvalidDataException("A record ends before its fields do.");
        }

        var span = _data.Slice(_at, count);
        _at += count;
        return span;
    }
}
