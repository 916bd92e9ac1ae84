namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Follows the MQTT framing of what a client sends, as it is read from the connection and before the packet reader
/// sees it. MQTTnet allocates a packet's whole body as soon as it has read the remaining length, so the limit has to
/// act on the fixed header: the byte that completes a remaining length over the limit is withheld and the connection
/// reads as closed from there on. Bodies are skipped by arithmetic; only headers are looked at byte by byte.
/// </summary>
internal sealed class PacketSizeGuard(int maxPacketBytes)
{
    private const int Connect = 1;
    private readonly byte[] _connectHead = new byte[ConnectHeadLength];
    private Phase _phase;
    private int _packets;
    private int _connectHeadBytes;
    private int _type;
    private int _length;
    private int _multiplier;
    private int _lengthBytes;
    private int _remaining;

    private enum Phase
    {
        Header,
        Length,
        Body,
        Malformed,
    }

    /// <summary>True once a packet over the limit was seen: nothing more is let through.</summary>
    public bool Refused { get; private set; }

    /// <summary>
    /// How many bytes of the first CONNECT's body are kept: an MQTT 3.1.1 CONNECT has its client id length at offsets
    /// 10 and 11 (after the protocol name, level, flags and keep-alive).
    /// </summary>
    public const int ConnectHeadLength = 12;

    /// <summary>The first bytes of the CONNECT's body, as far as they came (see <see cref="ConnectHeadLength"/>).</summary>
    public ReadOnlySpan<byte> ConnectHead => _connectHead.AsSpan(0, _connectHeadBytes);

    /// <summary>How many of <paramref name="bytes"/> may go on to the packet reader: all of them, unless a packet is refused.</summary>
    public int Inspect(ReadOnlySpan<byte> bytes)
    {
        if (Refused)
        {
            return 0;
        }

        var i = 0;
        while (i < bytes.Length)
        {
            switch (_phase)
            {
                case Phase.Header:
                    _type = bytes[i] >> 4;
                    _length = 0;
                    _multiplier = 1;
                    _lengthBytes = 0;
                    _phase = Phase.Length;
                    i++;
                    break;
                case Phase.Length:
                    var encoded = bytes[i];
                    _length += (encoded & 0x7F) * _multiplier;
                    _lengthBytes++;
                    if ((encoded & 0x80) != 0)
                    {
                        // More than four length bytes is malformed: the reader refuses it, nothing is left to follow.
                        _phase = _lengthBytes == 4 ? Phase.Malformed : Phase.Length;
                        _multiplier *= 128;
                        i++;
                        break;
                    }

                    if (1L + _lengthBytes + _length > maxPacketBytes)
                    {
                        Refused = true;
                        return i;
                    }

                    i++;
                    _remaining = _length;
                    if (_remaining == 0)
                    {
                        _phase = Phase.Header;
                        _packets++;
                    }
                    else
                    {
                        _phase = Phase.Body;
                    }

                    break;
                case Phase.Body:
                    if (_packets == 0 && _type == Connect && _connectHeadBytes < ConnectHeadLength)
                    {
                        _connectHead[_connectHeadBytes++] = bytes[i];
                        i++;
                        _remaining--;
                    }
                    else
                    {
                        var skip = Math.Min(_remaining, bytes.Length - i);
                        i += skip;
                        _remaining -= skip;
                    }

                    if (_remaining == 0)
                    {
                        _phase = Phase.Header;
                        _packets++;
                    }

                    break;
                default:
                    return bytes.Length;
            }
        }

        return i;
    }
}
