using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace EdgeAgent.Core.Fleet;

/// <summary>
/// The uplink encoding of card deltas, about 45 bytes a payment in a batch (a store's one place and merchant: 34).
/// Binary, little-endian, versioned by its first byte; every value is kept exactly (an amount in cents and a place in
/// 1e-7 degrees only when that round-trips to the same double, else the double itself), so a store's features
/// computed from a decoded delta equal those computed from the payment. Version 2, written:
/// <code>
/// batch    = version:u8 (2) | key fingerprint:8 | store:str8 | key id:str8 | base time ms:varint | count:varint | delta* | links?
/// delta    = flags:varint | token | payment id | time − base:varint | amount | merchant | place
/// token    = flags&amp;PackedToken ? 18 bytes (the token's base64url hash, under the batch's key id) : str8
/// pid      = flags&amp;PackedId ? 12 bytes (the 24 hex characters) : str8
/// amount   = flags&amp;Cents ? cents:varint : f64
/// merchant = flags&amp;SameMerchant ? nothing (the previous delta's) : hash:i32
/// place    = flags&amp;Located ? (flags&amp;SamePlace ? nothing (the previous delta's) : flags&amp;Degrees7 ? lat:i32 | lon:i32 (1e-7 degrees) : lat:f64 | lon:f64) : nothing
/// str8     = length:u8 | UTF-8 bytes
/// links    = previous key fingerprint:8 | count:varint | (delta index:varint | flags:u8 (0 or PackedToken) | link token)*
/// link token = flags&amp;PackedToken ? key id:str8 | 18 bytes : str8
/// </code>
/// A store's payments share its place and merchant, and its tokens the fleet's key id: said once, they cost a delta
/// nothing. A field added later takes a new flag bit (128 and up: the flags are a varint, one byte while below 128)
/// and goes after the place; a reader refuses flags it does not know. Version 1 (flags one byte, the key id in every
/// packed token, merchant and place always whole) is still read, for stores not yet upgraded.
/// <c>links</c> comes only during a key rotation (<see cref="FleetDeltaBatch.Links"/>): for the first delta of a card
/// it names, by the delta's index (increasing), the card's previous-key token, with its own key id. A batch without it
/// is byte for byte what it was before links existed.
/// Decoding never trusts a length: whatever is short, long or out of range is refused with a reason, not guessed.
/// A place with only one coordinate goes as two doubles, NaN included, so the fleet sees it as sent (and refuses it).
/// </summary>
public static class FleetDeltaCodec
{
    /// <summary>The encoding's version, the first byte of every message written.</summary>
    public const byte Version = 2;

    /// <summary>The former version, still read.</summary>
    public const byte Version1 = 1;

    /// <summary>Most deltas in one message.</summary>
    public const int MaxDeltas = 4096;

    private const int TokenHashBytes = 18;
    private const int PaymentIdBytes = 12;
    private const ulong Located = 1;
    private const ulong Cents = 2;
    private const ulong Degrees7 = 4;
    private const ulong PackedToken = 8;
    private const ulong PackedId = 16;
    private const ulong SameMerchant = 32;
    private const ulong SamePlace = 64;
    private const ulong KnownFlags = Located | Cents | Degrees7 | PackedToken | PackedId | SameMerchant | SamePlace;
    private const ulong KnownFlags1 = Located | Cents | Degrees7 | PackedToken | PackedId;

    /// <summary>
    /// The fleet's id of a payment: 12 bytes of SHA-256 over the card token and the store's deduplication key, in
    /// hex. The same payment always gets the same id (a replay is a duplicate), and the terminal's own ids stay in
    /// the store.
    /// </summary>
    public static string PaymentIdOf(string cardToken, string deduplicationKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(cardToken + "\n" + deduplicationKey), hash);
        return Convert.ToHexStringLower(hash[..PaymentIdBytes]);
    }

    /// <summary>
    /// The key that ties a fleet receipt to the message it answers: the first 8 bytes of SHA-256 over the message, which
    /// both ends compute, so the uplink message carries no correlation data of its own (19 bytes a message saved).
    /// </summary>
    public static byte[] ReceiptKeyOf(ReadOnlySpan<byte> message)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(message, hash);
        return hash[..8].ToArray();
    }

    /// <summary>
    /// One uplink message holding <paramref name="batch"/>'s deltas (at most <see cref="MaxDeltas"/>), in
    /// <paramref name="version"/>: <see cref="Version1"/> for a reader that may be older than version 2 (the fleet's
    /// profiles, which stores not yet upgraded read).
    /// </summary>
    public static byte[] Encode(FleetDeltaBatch batch, byte version = Version)
    {
        if (batch.Deltas.Count > MaxDeltas)
        {
            throw new ArgumentException($"At most {MaxDeltas} deltas go in one message.", nameof(batch));
        }

        if (version is not (Version or Version1))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "Versions 1 and 2 are written.");
        }

        var buffer = new List<byte>(32 + (batch.Deltas.Count * 48)) { version };
        var fingerprint = Convert.FromHexString(batch.KeyFingerprint);
        if (fingerprint.Length != 8)
        {
            throw new ArgumentException("A key fingerprint is 16 hex characters.", nameof(batch));
        }

        buffer.AddRange(fingerprint);
        WriteString(buffer, batch.StoreId);

        // The key id of the first token that packs: a fleet has one key, two while it rotates.
        var keyId = batch.Deltas.Select(d => PackedKeyId(d.CardToken)).FirstOrDefault(k => k is not null) ?? "";
        if (version == Version)
        {
            WriteString(buffer, keyId);
        }

        var baseTime = batch.Deltas.Count == 0 ? 0 : batch.Deltas.Min(d => d.EventUnixMs);
        WriteVarint(buffer, (ulong)Math.Max(0, baseTime));
        WriteVarint(buffer, (ulong)batch.Deltas.Count);
        Span<byte> raw = stackalloc byte[8];
        Span<byte> hash = stackalloc byte[TokenHashBytes];
        var fields = new List<byte>(64);
        FleetDelta? previous = null;
        foreach (var d in batch.Deltas)
        {
            fields.Clear();
            ulong flags = 0;
            var tokenKeyId = PackedKeyId(d.CardToken);
            if (tokenKeyId is not null && (version == Version1 || tokenKeyId == keyId))
            {
                flags |= PackedToken;
                if (version == Version1)
                {
                    WriteString(fields, tokenKeyId);
                }

                Base64Url.DecodeFromChars(d.CardToken.AsSpan(tokenKeyId.Length + 1), hash);
                fields.AddRange(hash);
            }
            else
            {
                WriteString(fields, d.CardToken);
            }

            if (d.PaymentId.Length == PaymentIdBytes * 2 && IsLowerHex(d.PaymentId))
            {
                flags |= PackedId;
                fields.AddRange(Convert.FromHexString(d.PaymentId));
            }
            else
            {
                WriteString(fields, d.PaymentId);
            }

            if (d.EventUnixMs < 0)
            {
                throw new ArgumentException("An event time before 1970 cannot be sent.", nameof(batch));
            }

            WriteVarint(fields, (ulong)(d.EventUnixMs - baseTime));
            var cents = Math.Round(d.Amount * 100);
            if (cents is >= 0 and < 1e15 && cents / 100 == d.Amount)
            {
                flags |= Cents;
                WriteVarint(fields, (ulong)cents);
            }
            else
            {
                BinaryPrimitives.WriteDoubleLittleEndian(raw, d.Amount);
                fields.AddRange(raw);
            }

            if (version == Version && previous is { } p && p.MerchantHash == d.MerchantHash)
            {
                flags |= SameMerchant;
            }
            else
            {
                BinaryPrimitives.WriteInt32LittleEndian(raw, d.MerchantHash);
                fields.AddRange(raw[..4]);
            }

            if (!double.IsNaN(d.Latitude) || !double.IsNaN(d.Longitude))
            {
                flags |= Located;
                var lat = Math.Round(d.Latitude * 1e7);
                var lon = Math.Round(d.Longitude * 1e7);
                if (Math.Abs(lat) <= int.MaxValue && Math.Abs(lon) <= int.MaxValue && lat / 1e7 == d.Latitude && lon / 1e7 == d.Longitude)
                {
                    flags |= Degrees7;
                }

                if (version == Version && previous is { } q && !double.IsNaN(d.Latitude) && !double.IsNaN(d.Longitude) && q.Latitude == d.Latitude && q.Longitude == d.Longitude)
                {
                    flags |= SamePlace;
                }
                else if ((flags & Degrees7) != 0)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(raw, (int)lat);
                    fields.AddRange(raw[..4]);
                    BinaryPrimitives.WriteInt32LittleEndian(raw, (int)lon);
                    fields.AddRange(raw[..4]);
                }
                else
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(raw, d.Latitude);
                    fields.AddRange(raw);
                    BinaryPrimitives.WriteDoubleLittleEndian(raw, d.Longitude);
                    fields.AddRange(raw);
                }
            }

            WriteVarint(buffer, flags);
            buffer.AddRange(fields);
            previous = d;
        }

        if (batch.Links is { PreviousTokens.Count: > 0 } links)
        {
            WriteLinks(buffer, batch.Deltas, links);
        }

        return [.. buffer];
    }

    /// <summary>Decodes a message; null with the reason when it is not a well-formed batch of a version this code reads.</summary>
    public static FleetDeltaBatch? Decode(ReadOnlySpan<byte> message, out string? error)
    {
        var reader = new Reader(message);
        try
        {
            var version = reader.Byte();
            if (version is not (Version or Version1))
            {
                error = "unknown version";
                return null;
            }

            var fingerprint = Convert.ToHexStringLower(reader.Bytes(8));
            var store = reader.String();
            var keyId = version == Version ? reader.String() : null;
            var baseTime = reader.Varint();
            var count = reader.Varint();
            if (count > MaxDeltas)
            {
                error = "too many deltas";
                return null;
            }

            var deltas = new List<FleetDelta>((int)count);
            for (var i = 0UL; i < count; i++)
            {
                var flags = version == Version ? reader.Varint() : reader.Byte();
                if ((flags & ~(version == Version ? KnownFlags : KnownFlags1)) != 0)
                {
                    error = "unknown flags";
                    return null;
                }

                var previous = deltas.Count > 0 ? deltas[^1] : default;
                if (deltas.Count == 0 && (flags & (SameMerchant | SamePlace)) != 0)
                {
                    error = "no previous delta";
                    return null;
                }

                if ((flags & PackedToken) != 0 && keyId is "")
                {
                    error = "no key id";
                    return null;
                }

                var token = (flags & PackedToken) != 0
                    ? (keyId ?? reader.String()) + "." + Base64Url.EncodeToString(reader.Bytes(TokenHashBytes))
                    : reader.String();
                var paymentId = (flags & PackedId) != 0 ? Convert.ToHexStringLower(reader.Bytes(PaymentIdBytes)) : reader.String();
                var time = checked(baseTime + reader.Varint());
                var amount = (flags & Cents) != 0 ? reader.Varint() / 100.0 : BinaryPrimitives.ReadDoubleLittleEndian(reader.Bytes(8));
                var merchant = (flags & SameMerchant) != 0 ? previous.MerchantHash : BinaryPrimitives.ReadInt32LittleEndian(reader.Bytes(4));
                double lat = double.NaN, lon = double.NaN;
                if ((flags & SamePlace) != 0)
                {
                    if ((flags & Located) == 0 || double.IsNaN(previous.Latitude) || double.IsNaN(previous.Longitude))
                    {
                        error = "no previous place";
                        return null;
                    }

                    (lat, lon) = (previous.Latitude, previous.Longitude);
                }
                else if ((flags & Located) != 0)
                {
                    if ((flags & Degrees7) != 0)
                    {
                        lat = BinaryPrimitives.ReadInt32LittleEndian(reader.Bytes(4)) / 1e7;
                        lon = BinaryPrimitives.ReadInt32LittleEndian(reader.Bytes(4)) / 1e7;
                    }
                    else
                    {
                        lat = BinaryPrimitives.ReadDoubleLittleEndian(reader.Bytes(8));
                        lon = BinaryPrimitives.ReadDoubleLittleEndian(reader.Bytes(8));
                    }
                }

                if (time > long.MaxValue)
                {
                    error = "time out of range";
                    return null;
                }

                deltas.Add(new FleetDelta(token, paymentId, (long)time, amount, merchant, lat, lon));
            }

            FleetCardLinks? links = null;
            if (!reader.AtEnd)
            {
                links = ReadLinks(ref reader, deltas, out error);
                if (links is null)
                {
                    return null;
                }
            }

            if (!reader.AtEnd)
            {
                error = "trailing bytes";
                return null;
            }

            error = null;
            return new FleetDeltaBatch(store, fingerprint, deltas) { Links = links };
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or OverflowException or FormatException or DecoderFallbackException)
        {
            error = "truncated or malformed";
            return null;
        }
    }

    private static void WriteLinks(List<byte> buffer, IReadOnlyList<FleetDelta> deltas, FleetCardLinks links)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<(int Index, string Previous)>();
        for (var i = 0; i < deltas.Count; i++)
        {
            if (links.PreviousTokens.TryGetValue(deltas[i].CardToken, out var previous) && named.Add(deltas[i].CardToken))
            {
                entries.Add((i, previous));
            }
        }

        if (entries.Count == 0)
        {
            return;
        }

        var fingerprint = Convert.FromHexString(links.PreviousKeyFingerprint);
        if (fingerprint.Length != 8)
        {
            throw new ArgumentException("A key fingerprint is 16 hex characters.", nameof(links));
        }

        buffer.AddRange(fingerprint);
        WriteVarint(buffer, (ulong)entries.Count);
        foreach (var (index, previous) in entries)
        {
            WriteVarint(buffer, (ulong)index);
            var flagsAt = buffer.Count;
            buffer.Add(0);
            buffer[flagsAt] = WriteToken(buffer, previous);
        }
    }

    private static FleetCardLinks? ReadLinks(ref Reader reader, List<FleetDelta> deltas, out string? error)
    {
        var fingerprint = Convert.ToHexStringLower(reader.Bytes(8));
        var count = reader.Varint();
        if (count == 0 || count > (ulong)deltas.Count)
        {
            error = "links out of range";
            return null;
        }

        var previous = new Dictionary<string, string>((int)count, StringComparer.Ordinal);
        var last = -1L;
        for (var i = 0UL; i < count; i++)
        {
            var index = reader.Varint();
            var flags = reader.Byte();
            if (index >= (ulong)deltas.Count || (long)index <= last || (flags & ~PackedToken) != 0)
            {
                error = "links out of range";
                return null;
            }

            last = (long)index;
            if (!previous.TryAdd(deltas[(int)index].CardToken, ReadToken(ref reader, flags)))
            {
                error = "a card linked twice";
                return null;
            }
        }

        error = null;
        return new FleetCardLinks(fingerprint, previous);
    }

    private static string ReadToken(ref Reader reader, byte flags) =>
        (flags & PackedToken) != 0 ? reader.String() + "." + Base64Url.EncodeToString(reader.Bytes(TokenHashBytes)) : reader.String();

    private static byte WriteToken(List<byte> buffer, string token)
    {
        if (PackedKeyId(token) is { } keyId)
        {
            WriteString(buffer, keyId);
            Span<byte> hash = stackalloc byte[TokenHashBytes];
            Base64Url.DecodeFromChars(token.AsSpan(keyId.Length + 1), hash);
            buffer.AddRange(hash);
            return (byte)PackedToken;
        }

        WriteString(buffer, token);
        return 0;
    }

    /// <summary>
    /// The key id of a token (<c>{key id}.{hash}</c>): what comes before its first dot; null when it has none or the
    /// dot comes first. The one place a token's key id is read, by the codec and by the fleet's uplink.
    /// </summary>
    public static string? KeyIdOf(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? token[..dot] : null;
    }

    /// <summary>The key id of a token that packs (<c>{keyId}.{24 base64url characters}</c>, its hash 18 bytes); null otherwise.</summary>
    private static string? PackedKeyId(string token)
    {
        var dot = KeyIdOf(token)?.Length ?? -1;
        if (dot is > 0 and <= 255 && token.Length - dot - 1 == 24)
        {
            Span<byte> hash = stackalloc byte[TokenHashBytes];
            if (Base64Url.IsValid(token.AsSpan(dot + 1)) && Base64Url.TryDecodeFromChars(token.AsSpan(dot + 1), hash, out var written)
                && written == TokenHashBytes && Base64Url.EncodeToString(hash) == token[(dot + 1)..]
                && Encoding.UTF8.GetByteCount(token.AsSpan(0, dot)) <= 255)
            {
                return token[..dot];
            }
        }

        return null;
    }

    private static bool IsLowerHex(string s)
    {
        foreach (var c in s)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteString(List<byte> buffer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > 255)
        {
            throw new ArgumentException("A string of the delta encoding holds at most 255 bytes.", nameof(value));
        }

        buffer.Add((byte)bytes.Length);
        buffer.AddRange(bytes);
    }

    private static void WriteVarint(List<byte> buffer, ulong value)
    {
        while (value >= 0x80)
        {
            buffer.Add((byte)(value | 0x80));
            value >>= 7;
        }

        buffer.Add((byte)value);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private static readonly UTF8Encoding Strict = new(false, true);
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public readonly bool AtEnd => _at == _data.Length;

        public byte Byte() => Bytes(1)[0];

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (count > _data.Length - _at)
            {
                throw new ArgumentOutOfRangeException(nameof(count), "truncated");
            }

            var span = _data.Slice(_at, count);
            _at += count;
            return span;
        }

        public string String() => Strict.GetString(Bytes(Byte()));

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw new OverflowException("varint too long");
        }
    }
}
