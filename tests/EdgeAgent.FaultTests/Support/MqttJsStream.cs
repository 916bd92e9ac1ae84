using System.Text;
using System.Text.Json;

namespace EdgeAgent.FaultTests.Support;

/// <summary>
/// A terminal written with MQTT.js (<c>tests/clients/stream.mjs</c>) paying a stream of payments; its answers go to the
/// shared <see cref="PaymentLedger"/> as they arrive.
/// </summary>
internal sealed class MqttJsStream : IAsyncDisposable
{
    private readonly ExternalProcess _process;
    private readonly TempDirectory _folder;

    private MqttJsStream(ExternalProcess process, TempDirectory folder)
    {
        _process = process;
        _folder = folder;
    }

    public int Connects => Events("connect").Count();

    public static MqttJsStream Start(int port, string store, string terminal, int count, int intervalMilliseconds, PaymentLedger ledger) =>
        Start("stream.mjs", [], port, store, terminal, count, intervalMilliseconds, ledger);

    /// <summary>
    /// A stream terminal that connects and subscribes, then sends its payments only once <paramref name="gateFile"/> exists;
    /// it never reconnects by itself.
    /// </summary>
    public static MqttJsStream StartGated(int port, string store, string terminal, int count, int intervalMilliseconds, PaymentLedger ledger, string gateFile) =>
        Start("stream.mjs", [gateFile], port, store, terminal, count, intervalMilliseconds, ledger);

    /// <summary>
    /// A terminal as the terminal contract describes it (<c>tests/clients/terminal.mjs</c>): it resends what its client
    /// gave up after a second; <paramref name="strict"/>, it drops its session state when the broker has none.
    /// </summary>
    public static MqttJsStream StartTerminal(int port, string store, string terminal, int count, int intervalMilliseconds, PaymentLedger ledger, bool strict, int reconnectMilliseconds) =>
        Start("terminal.mjs", [strict ? "strict" : "persistent", reconnectMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            port, store, terminal, count, intervalMilliseconds, ledger);

    /// <summary>The indexes of the payments the broker acknowledged (a PUBACK received), each once.</summary>
    public IReadOnlySet<int> Acknowledged() =>
        Events("puback").Where(e => e.GetProperty("error").ValueKind == JsonValueKind.Null).Select(e => e.GetProperty("i").GetInt32()).ToHashSet();

    /// <summary>Payments the client gave up in flight (and the terminal sent again).</summary>
    public int GaveUp => Events("gaveup").Count();

    private static MqttJsStream Start(string script, string[] extra, int port, string store, string terminal, int count, int intervalMilliseconds, PaymentLedger ledger)
    {
        var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "payments.jsonl");
        var lines = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var payload = PaymentFlow.Payment(terminal, i);
            ledger.Sent(PaymentFlow.TransactionId(terminal, i), payload);
            lines.Append(Encoding.UTF8.GetString(payload).Trim()).Append('\n');
        }

        File.WriteAllText(file, lines.ToString());
        var process = ExternalProcess.Start(NodeClients.Node,
            [Path.Combine(NodeClients.Folder, script), port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{store}-{terminal}", store, terminal, file,
                intervalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra],
            NodeClients.Folder);
        return new MqttJsStream(process, folder);
    }

    /// <summary>Waits until MQTT.js has every payment acknowledged.</summary>
    public Task DoneAsync(TimeSpan timeout) =>
        _process.WaitForLineAsync(line => line.Contains("\"event\":\"done\"", StringComparison.Ordinal), timeout, "every payment acknowledged");

    /// <summary>The answers MQTT.js received, in order.</summary>
    public IEnumerable<byte[]> Answers() => Events("message").Select(e => Encoding.UTF8.GetBytes(e.GetProperty("payload").GetString()!));

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _folder.Dispose();
    }

    private IEnumerable<JsonElement> Events(string name) =>
        _process.Output.Split('\n')
            .Where(line => line.StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .Where(e => e.GetProperty("event").GetString() == name);
}
