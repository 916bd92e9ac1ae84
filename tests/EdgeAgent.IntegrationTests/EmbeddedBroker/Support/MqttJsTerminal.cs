using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

/// <summary>
/// A terminal written with MQTT.js, run under node: connects (reconnecting as MQTT.js does), publishes one payment
/// at QoS 1, subscribes before or after it, and reports each step as a JSON line (connect, puback, suback, message,
/// error) that the test waits for.
/// </summary>
internal sealed class MqttJsTerminal : IAsyncDisposable
{
    private const string Script = """
        const mqtt = require('mqtt');
        const cfg = JSON.parse(process.argv[2]);
        const say = (event, data) => process.stdout.write(JSON.stringify({ event, ...data }) + '\n');
        const client = mqtt.connect(cfg.url, {
          protocolVersion: cfg.protocolVersion, clientId: cfg.clientId, clean: cfg.clean,
          reconnectPeriod: cfg.reconnectPeriod, connectTimeout: 10000, keepalive: 30,
          properties: cfg.protocolVersion === 5 && !cfg.clean ? { sessionExpiryInterval: 3600 } : undefined,
        });
        let started = false;
        const subscribe = () => client.subscribe(cfg.subscribe, { qos: 1 }, (err, granted) =>
          say('suback', { error: err ? String(err) : null, granted: (granted || []).map(g => g.qos) }));
        const publish = (then) => client.publish(cfg.topic, cfg.payload, {
            qos: 1, properties: cfg.responseTopic ? { responseTopic: cfg.responseTopic, correlationData: Buffer.from(cfg.correlation) } : undefined },
          (err) => { say('puback', { error: err ? String(err) : null }); if (then) then(); });
        client.on('connect', (connack) => {
          say('connect', { sessionPresent: connack.sessionPresent, clientId: client.options.clientId,
            assigned: connack.properties ? connack.properties.assignedClientIdentifier || null : null });
          if (started) return;
          started = true;
          if (cfg.subscribeFirst) { subscribe(); publish(); } else { publish(cfg.subscribe ? subscribe : null); }
        });
        client.on('message', (topic, payload, packet) => say('message', { topic, payload: payload.toString(),
          correlation: packet.properties && packet.properties.correlationData ? packet.properties.correlationData.toString() : null }));
        client.on('error', (err) => say('error', { error: String(err) }));
        client.on('close', () => say('close', {}));
        process.stdin.on('end', () => process.exit(0));
        process.stdin.resume();
        """;

    private readonly Process _process;
    private readonly string _script;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly List<string> _lines = [];
    private readonly Task _errors;

    private MqttJsTerminal(Process process, string script)
    {
        _process = process;
        _script = script;
        _ = ReadAsync();
        _errors = ReadErrorsAsync();
    }

    public static Task<MqttJsTerminal> StartAsync(object config) => StartScriptAsync(Script, config);

    /// <summary>Runs another MQTT.js script under the same terms: its configuration as JSON in argv[2], JSON lines with an <c>event</c> on stdout.</summary>
    public static async Task<MqttJsTerminal> StartScriptAsync(string source, object config)
    {
        var modules = await ExternalClients.MqttJsModulesAsync();
        var script = Path.Combine(Path.GetTempPath(), $"edgeagent-mqttjs-{Guid.NewGuid():N}.js");
        await File.WriteAllTextAsync(script, source);
        var process = ExternalClients.Start("/usr/bin/node", [script, JsonSerializer.Serialize(config)], new Dictionary<string, string> { ["NODE_PATH"] = modules });
        return new MqttJsTerminal(process, script);
    }

    /// <summary>The next event with that name; the events before it are skipped.</summary>
    public async Task<JsonElement> NextAsync(string name, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(cancel.Token);
                if (next.GetProperty("event").GetString() == name)
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException)
        {
            lock (_lines)
            {
                throw new TimeoutException($"MQTT.js did not report '{name}'; it said: {string.Join(" | ", _lines)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await _errors;
        _process.Dispose();
        File.Delete(_script);
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_lines)
                {
                    _lines.Add(line);
                }

                if (line.StartsWith('{'))
                {
                    _events.Writer.TryWrite(JsonDocument.Parse(line).RootElement.Clone());
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
        }
    }

    private async Task ReadErrorsAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_lines)
                {
                    _lines.Add("stderr: " + line);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
        }
    }
}
