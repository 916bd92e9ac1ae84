using System.Buffers.Binary;
using System.IO.Compression;

namespace EdgeAgent.Shared.Uplink;

/// <summary>
/// The body of a cloud message, as the agent writes it and every reader opens it: snapshot batches are
/// gzip-compressed JSON (RFC 1952; <c>gzip -dc</c>, Azure Stream Analytics' and Event Hubs consumers' GZip input read
/// it as it is), alerts plain UTF-8 JSON. A reader tells them apart by the gzip magic bytes, which no JSON text starts
/// with, so one reader takes both. Inflating is capped: a small message that inflates without end (a compression
/// bomb) is refused once it passes the cap, holding at most the cap in memory. Record batches are Avro containers
/// (<see cref="RecordBatchFormat"/>), opened here as the JSON batch they hold.
/// </summary>
public static class UplinkPayload
{
    /// <summary>The content encoding of a compressed body (IoT Hub's <c>$.ce</c>, the MQTT user property <c>content-encoding</c>).</summary>
    public const string Gzip = "gzip";

    /// <summary>The content encoding of a plain body.</summary>
    public const string Utf8 = "utf-8";

    /// <summary>
    /// Most bytes a compressed body may inflate to. The agent never batches more JSON than this into one message (a
    /// batch of 1,000 records is about 0.7 MB), so a reader that refuses more refuses nothing the agent sends.
    /// </summary>
    public const int MaxInflatedBytes = 4 * 1024 * 1024;

    /// <summary>True when <paramref name="body"/> starts as a gzip stream.</summary>
    public static bool IsCompressed(ReadOnlySpan<byte> body) => body.Length >= 2 && body[0] == 0x1f && body[1] == 0x8b;

    /// <summary>
    /// Compresses <paramref name="json"/>. The output depends only on the input, so a message rebuilt after a restart
    /// is the same bytes under the same id.
    /// </summary>
    public static byte[] Compress(ReadOnlySpan<byte> json)
    {
        using var output = new MemoryStream((json.Length / 4) + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(json);
        }

        return output.ToArray();
    }

    /// <summary>
    /// The JSON text of a body: inflated when compressed (at most <paramref name="maxInflatedBytes"/>), else the body
    /// itself. <see cref="UplinkOpenResult.TooLarge"/> when it inflates past the cap, <see cref="UplinkOpenResult.Corrupt"/>
    /// when it is not one whole gzip member; <paramref name="json"/> is then empty.
    /// </summary>
    public static UplinkOpenResult TryOpen(ReadOnlyMemory<byte> body, int maxInflatedBytes, out ReadOnlyMemory<byte> json)
    {
        json = ReadOnlyMemory<byte>.Empty;
        if (RecordBatchFormat.IsContainer(body.Span))
        {
            var result = RecordBatchFormat.TryToJson(body.Span, maxInflatedBytes, out var text);
            json = text;
            return result;
        }

        if (!IsCompressed(body.Span))
        {
            json = body;
            return UplinkOpenResult.Plain;
        }

        try
        {
            using var input = new MemoryStream(body.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            var buffer = new byte[Math.Min(maxInflatedBytes + 1, Math.Max(4096, body.Length * 8))];
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxInflatedBytes)
                    {
                        return UplinkOpenResult.TooLarge;
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)maxInflatedBytes + 1, (long)buffer.Length * 2));
                }

                var read = gzip.Read(buffer, length, buffer.Length - length);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (length > maxInflatedBytes)
            {
                return UplinkOpenResult.TooLarge;
            }

            // A cut-off stream can end without an error from the inflater: the trailer's length (one member, as the
            // agent writes) must say what was inflated.
            var span = body.Span;
            if (span.Length < 18 || BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]) != (uint)length)
            {
                return UplinkOpenResult.Corrupt;
            }

            json = buffer.AsMemory(0, length);
            return UplinkOpenResult.Inflated;
        }
        catch (InvalidDataException)
        {
            return UplinkOpenResult.Corrupt;
        }
    }

    /// <summary>The JSON text of a body the reader trusts (tests, tools); throws <see cref="InvalidDataException"/> when it does not open.</summary>
    public static byte[] Open(ReadOnlyMemory<byte> body) => TryOpen(body, MaxInflatedBytes, out var json) switch
    {
        UplinkOpenResult.TooLarge => throw new InvalidDataException($"The body inflates past {MaxInflatedBytes} bytes."),
        UplinkOpenResult.Corrupt => throw new InvalidDataException("The body is not a whole gzip stream."),
        _ => json.ToArray(),
    };
}
