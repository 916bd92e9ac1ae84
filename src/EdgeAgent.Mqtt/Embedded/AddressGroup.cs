using System.Net;
using System.Net.Sockets;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The unit a remote address is limited by: one IPv4 address, or one IPv6 /64 (a host gets a whole /64 and picks
/// addresses in it at will, so a bound per full IPv6 address would bind nothing).
/// </summary>
internal static class AddressGroup
{
    public static string Of(EndPoint? remote)
    {
        if (remote is not IPEndPoint ip)
        {
            return "-";
        }

        var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
