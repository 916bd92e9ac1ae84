using System.Buffers.Binary;
using System.IO.Hashing;

namespace EdgeAgent.Testing;

/// <summary>
/// Answer-journal entries as a terminal can forge them inside its own correlation data (at most 128 bytes), in the entry
/// layout an unkeyed journal accepted: marker, length, CRC-32, first and last sequence, records. The records of each are
/// written the way the record codec reads them.
/// </summary>
public static class ForgedJournalEntry
{
    private const uint Marker = 0xA115E7ED;

    /// <summary>37 bytes: one record of an unknown format version, claiming sequences 1 to 2^62; decoding it throws.</summary>
    public static byte[] CrashLoop() => Entry(1, 1L << 62, [1, 0, 0, 0, 2]);

    /// <summary>
    /// 90 bytes: one decodable refusal numbered <paramref name="first"/> whose entry claims a last sequence of
    /// <see cref="long.MaxValue"/>; recorded, every later sequence number would wrap.
    /// </summary>
    public static byte[] Injection(long first)
    {
        var record = new byte[54];
        var span = record.AsSpan();
        span[0] = 1; // format version
        span[1] = 2; // refusal
        BinaryPrimitives.WriteInt64LittleEndian(span[2..], first);
        BinaryPrimitives.WriteInt64LittleEndian(span[10..], 1_700_000_000_000);
        BinaryPrimitives.WriteInt32LittleEndian(span[18..], -1); // transaction id
        BinaryPrimitives.WriteInt32LittleEndian(span[22..], -1); // answer topic
        BinaryPrimitives.WriteInt32LittleEndian(span[26..], -1); // correlation
        BinaryPrimitives.WriteInt32LittleEndian(span[30..], 0); // answer
        BinaryPrimitives.WriteDoubleLittleEndian(span[34..], 0); // latency
        BinaryPrimitives.WriteInt32LittleEndian(span[42..], -1); // topic
        BinaryPrimitives.WriteInt32LittleEndian(span[46..], 0); // errors
        BinaryPrimitives.WriteInt32LittleEndian(span[50..], -1); // dead letter
        var records = new byte[4 + record.Length];
        BinaryPrimitives.WriteInt32LittleEndian(records, record.Length);
        record.CopyTo(records, 4);
        return Entry(first, long.MaxValue, records);
    }

    private static byte[] Entry(long first, long last, byte[] records)
    {
        var entry = new byte[32 + records.Length];
        var span = entry.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Marker);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], records.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], Crc32.HashToUInt32(records));
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], first);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], last);
        records.CopyTo(span[32..]);
        return entry;
    }
}
