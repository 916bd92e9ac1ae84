namespace EdgeAgent.IntegrationTests.Infrastructure;

/// <summary>
/// mosquitto's command-line clients (Debian's <c>mosquitto-clients</c>) against a broker on the loopback: a
/// subscriber that says when its subscription is in place (its <c>-d</c> output shows the SUBACK), and one-shot
/// publishes. The protocol version and the client id are the test's to choose; without an id the clients send an
/// empty one, as they do for anyone who types them.
/// </summary>
internal static class MosquittoClients
{
    public static string Pub => Find("mosquitto_pub");

    public static string Sub => Find("mosquitto_sub");

    public static string Rr => Find("mosquitto_rr");

    /// <summary>The version flag: <c>mqttv311</c> or <c>mqttv5</c>.</summary>
    public static string Version(int protocol) => protocol == 5 ? "mqttv5" : "mqttv311";

    /// <summary>Starts <c>mosquitto_sub</c> for one message on <paramref name="topic"/> and waits until it is subscribed.</summary>
    public static async Task<ExternalProcess> SubscribeAsync(int port, string topic, int protocol, string? clientId, int qos = 1, params string[] more)
    {
        var args = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", Version(protocol), "-t", topic, "-q", qos.ToString(System.Globalization.CultureInfo.InvariantCulture), "-C", "1", "-W", "30", "-d" };
        if (clientId is not null)
        {
            args.AddRange(["-i", clientId]);
        }

        args.AddRange(more);
        // mosquitto_sub buffers its output when it goes to a pipe: stdbuf makes it line by line, so the SUBACK shows at once.
        var sub = ExternalProcess.Start("stdbuf", ["-oL", Sub, .. args]);
        await sub.WaitForLineAsync(line => line.Contains("received SUBACK", StringComparison.Ordinal), TimeSpan.FromSeconds(15), "its SUBACK");
        return sub;
    }

    /// <summary>Publishes one message with <c>mosquitto_pub</c> and waits for it to finish (at QoS 1, after the PUBACK).</summary>
    public static async Task<(int ExitCode, string Output)> PublishAsync(int port, string topic, byte[] payload, int protocol, string? clientId, params string[] more)
    {
        var args = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", Version(protocol), "-q", "1", "-t", topic, "-m", System.Text.Encoding.UTF8.GetString(payload), "-d" };
        if (clientId is not null)
        {
            args.AddRange(["-i", clientId]);
        }

        args.AddRange(more);
        return await ExternalProcess.RunAsync(Pub, args, TimeSpan.FromSeconds(30));
    }

    /// <summary>The payload lines a <c>mosquitto_sub -d</c> printed (its debug lines start with "Client").</summary>
    public static IReadOnlyList<string> Payloads(string output) =>
        output.Split('\n').Where(line => line.StartsWith('{')).ToList();

    private static string Find(string name) =>
        new[] { "/usr/bin/" + name, "/usr/local/bin/" + name }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed (apt-get install -y mosquitto-clients); scripts/test.sh installs it");
}
