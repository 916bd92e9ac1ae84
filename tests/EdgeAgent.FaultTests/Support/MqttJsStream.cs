using System.Text;
using System.Text.Json;
using EdgeAgent.IntegrationTests.Infrastructure;

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

    public static MqttJsStream Start(int port, string store, string terminal, int count, int intervalMilliseconds, PaymentLedger ledger)
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
            [Path.Combine(NodeClients.Folder, "stream.mjs"), port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{store}-{terminal}", store, terminal, file,
                intervalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)],
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
