using System.Net;
using System.Net.Sockets;

namespace EdgeAgent.Testing;

/// <summary>
/// A TCP port nobody is listening on right now, taken below the kernel's ephemeral range: a test that stops a listener
/// and starts it again on the same port (an agent killed and restarted) never finds it taken by some process's outgoing
/// connection, which the kernel gives a port from that range. Each port is handed out once per test process.
/// </summary>
public static class FreePort
{
    private const int Lowest = 10000;
    private static readonly HashSet<int> Given = [];
    private static readonly int EphemeralLow = ReadEphemeralLow();

    public static int Next()
    {
        lock (Given)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(Lowest, EphemeralLow);
                if (Given.Add(port) && IsFree(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"No free TCP port between {Lowest} and {EphemeralLow}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of <c>net.ipv4.ip_local_port_range</c> (32768 by default).</summary>
    private static int ReadEphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture) is var low and > Lowest + 1000 ? low : 32768;
        }
        catch (IOException)
        {
            return 32768;
        }
    }

    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
