using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Fleet.Contracts;

namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// A fleet that rolls models out to real agents: mosquitto with one login per store, three silo processes that read
/// the stores' snapshots and publish their desired documents there (signed with each store's control key) and serve
/// the model files, and five agent programs on their embedded brokers whose MQTT cloud is that mosquitto. Settings
/// are short (snapshots every 2 s, a 6 s soak) so that a rollout moves in seconds.
/// </summary>
public sealed class RolloutFleet : IAsyncLifetime
{
    public static readonly string[] Stores = ["store-1", "store-2", "store-3", "store-4", "store-5"];

    /// <summary>The model the agents start on (bundled, signed by the shipped key).</summary>
    public const string Bundled = "fraud-gbt-1.0.0";

    public static readonly TimeSpan SnapshotInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Soak = TimeSpan.FromSeconds(6);

    /// <summary>
    /// How long after the soak a gate waits for a store that is offline or does not show the new version: long, so
    /// that no test's rollout ends by a timeout unless the test waits for one.
    /// </summary>
    public static readonly TimeSpan GateTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The top of the alert-rate band in the cards of the models these tests serve: the tests' synthetic payments at
    /// the bundled thresholds fit under it; a model that declines everything does not.
    /// </summary>
    public const double CardBandHigh = 0.9;

    /// <summary>
    /// Payments a ring's stores must score on the new version before its gate may pass, and before a store's alert rate is
    /// judged at all: the synthetic payments' alert rate is about 0.15 to 0.35 over a few dozen, but a handful in a row
    /// can all be alerts (9 of 9 once, under a loaded CI run), and the gate must judge a rate, not a streak.
    /// </summary>
    public const int MinScored = 20;

    public static readonly byte[] TokenizationKey = RandomNumberGenerator.GetBytes(32);

    public static readonly string ApiToken = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgeagent-rollout-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Dictionary<string, FleetAgent> _agents = new(StringComparer.Ordinal);
    private int _httpPort;
    private UplinkBroker? _broker;

    public FleetCluster Cluster { get; private set; } = null!;

    public Uri HttpEndpoint => new($"http://127.0.0.1:{_httpPort.ToString(CultureInfo.InvariantCulture)}");

    public string ApiTokenFile => Path.Combine(_directory, "api.token");

    /// <summary>The folder the silos serve at <c>/models/</c>.</summary>
    public string Served => Path.Combine(_directory, "served");

    public string KeysFolder => Path.Combine(_directory, "keys");

    internal IReadOnlyDictionary<string, FleetAgent> Agents => _agents;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Served);
        Directory.CreateDirectory(KeysFolder);
        File.WriteAllText(ApiTokenFile, ApiToken);
        foreach (var store in Stores)
        {
            File.WriteAllText(Path.Combine(KeysFolder, store + ".key"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        _broker = await UplinkBroker.StartAsync(Stores);
        _httpPort = FreePort.Next();
        var first = true;
        Cluster = new FleetCluster(() =>
        {
            // Only the first silo serves HTTP (the agents download from it); all three tick the rollout and publish.
            var http = first ? _httpPort : 0;
            first = false;
            return
            [
                "--Orleans:Membership:ProbeTimeout=00:00:02",
                "--Orleans:Membership:NumMissedProbesLimit=3",
                "--Fleet:HttpPort=" + http.ToString(CultureInfo.InvariantCulture),
                "--Fleet:ApiTokenFile=" + ApiTokenFile,
                "--Fleet:SnapshotInterval=" + SnapshotInterval.ToString("c", CultureInfo.InvariantCulture),
                "--Fleet:OfflineAfterIntervals=3",
                "--Fleet:MinScoredForAlertRate=" + MinScored.ToString(CultureInfo.InvariantCulture),

                // The fleet-wide band takes any rate: a store is failed on its alert rate only by the band of the
                // model card it runs, which its snapshots carry. The latency bound is set for a loaded machine.
                "--Fleet:AlertRateBandLow=0",
                "--Fleet:AlertRateBandHigh=1",
                "--Fleet:P99LimitMs=5000",
                "--Fleet:UplinkHost=127.0.0.1",
                "--Fleet:UplinkPort=" + _broker.Port.ToString(CultureInfo.InvariantCulture),
                "--Fleet:UplinkUsername=" + UplinkBroker.FleetUser,
                "--Fleet:UplinkPassword=" + UplinkBroker.PasswordOf(UplinkBroker.FleetUser),
                "--Fleet:UplinkUseTls=false",
                "--Fleet:KeyFingerprints:0=" + KeyFingerprint.Of(TokenizationKey),
                "--Fleet:RolloutSoak=" + Soak.ToString("c", CultureInfo.InvariantCulture),
                "--Fleet:RolloutGateTimeout=" + GateTimeout.ToString("c", CultureInfo.InvariantCulture),
                "--Fleet:RolloutCheckInterval=00:00:01",
                "--Fleet:RolloutMinScored=" + MinScored.ToString(CultureInfo.InvariantCulture),
                "--Fleet:RolloutSharePercent=25",
                "--Fleet:ModelsFolder=" + Served,
                "--Fleet:ControlKeysFolder=" + KeysFolder,
                .. Stores.Select((s, i) => $"--Fleet:KnownStores:{i}={s}"),
            ];
        });
        await Cluster.InitializeAsync();
        await Task.WhenAll(Stores.Select(StartAgentAsync));
    }

    /// <summary>Starts (or starts again, on the same data and models folders) the agent of <paramref name="store"/>.</summary>
    public async Task StartAgentAsync(string store)
    {
        _agents.Remove(store, out var old);
        old?.Dispose();
        _agents[store] = await RolloutAgent.StartAsync(Path.Combine(_directory, "agents", store), store, _broker!.Port, Path.Combine(KeysFolder, store + ".key"));
    }

    /// <summary>Stops the agent of <paramref name="store"/> (SIGKILL: it drops off the broker at once).</summary>
    public void StopAgent(string store)
    {
        _agents.Remove(store, out var agent);
        agent?.Kill();
        agent?.Dispose();
    }

    /// <summary>
    /// Serves the bundled model as <c>fraud-gbt-{version}</c>: its card's alert-rate band set to 0 to
    /// <see cref="CardBandHigh"/>, changed by <paramref name="change"/>, signed with the tests' key, then changed by
    /// <paramref name="afterSigning"/> (a forgery). Returns the model as a rollout assigns it.
    /// </summary>
    public RolloutModel Serve(string version, Action<JsonObject>? change = null, Action<JsonObject>? afterSigning = null)
    {
        var name = "fraud-gbt-" + version;
        var bundled = Path.Combine(RolloutAgent.BundledModels, Bundled);
        File.Copy(bundled + ".onnx", Path.Combine(Served, name + ".onnx"), overwrite: true);
        var card = JsonNode.Parse(File.ReadAllText(bundled + ".card.json"))!.AsObject();
        card["version"] = version;
        card["file"] = name + ".onnx";
        var band = card["reference"]!["alertRate"]!;
        band["hourlyLow"] = 0.0;
        band["hourlyHigh"] = CardBandHigh;
        change?.Invoke(card);
        var signed = JsonNode.Parse(ModelSigning.Sign(card))!.AsObject();
        afterSigning?.Invoke(signed);
        File.WriteAllText(Path.Combine(Served, name + ".card.json"), signed.ToJsonString());
        return new RolloutModel("fraud-gbt", version, card["sha256"]!.GetValue<string>(), new Uri(HttpEndpoint, "/models/" + name + ".card.json").ToString());
    }

    public IRolloutGrain Rollout => Cluster.Client.GetGrain<IRolloutGrain>(IRolloutGrain.Key);

    public IFleetViewGrain View => Cluster.Client.GetGrain<IFleetViewGrain>(IFleetViewGrain.Key);

    public string Output() => string.Join("\n----\n", _agents.Select(a => $"agent {a.Key}:\n{a.Value.Output}")) + "\n----\n" + Cluster.SiloOutput();

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents.Values)
        {
            agent.Dispose();
        }

        await Cluster.DisposeAsync();
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RolloutFleetCollection : ICollectionFixture<RolloutFleet>
{
    public const string Name = "rollout fleet";
}

/// <summary>
/// Starts the agent program (<c>dotnet EdgeAgent.dll run</c>, as <see cref="FleetAgent"/> runs it) of one store with its
/// own models folder and its MQTT cloud on the uplink broker, logged in as the store: it sends its metric snapshots there and reads its desired document (signed with its control key),
/// downloads an assigned model into its own models folder and switches to it only when the card is signed by a key
/// it trusts (the shipped key and the tests' key).
/// </summary>
internal static class RolloutAgent
{
    public static string BundledModels => Path.Combine(Path.GetDirectoryName(FleetAgent.AgentDll())!, "models");

    public static async Task<FleetAgent> StartAsync(string folder, string store, int brokerPort, string controlKeyFile)
    {
        var data = Path.Combine(folder, "data");
        var models = Path.Combine(folder, "models");
        if (!Directory.Exists(models))
        {
            Directory.CreateDirectory(models);
            foreach (var file in Directory.GetFiles(BundledModels, RolloutFleet.Bundled + ".*"))
            {
                File.Copy(file, Path.Combine(models, Path.GetFileName(file)));
            }
        }

        var mqtt = FreePort.Next();
        var http = FreePort.Next();
        var process = await FleetAgent.RunAsync(data, mqtt, http, folder, TimeSpan.FromSeconds(120),
        [
            "--Inference:ModelsPath=" + models,
            "--Inference:ModelSigningKeys:0=" + Path.Combine(BundledModels, "model-signing.pub.pem"),
            "--Inference:ModelSigningKeys:1=" + ModelSigning.PublicKeyPath,
            "--Tokenization:Key=" + Convert.ToBase64String(RolloutFleet.TokenizationKey),
            "--Cloud:Transport=Mqtt",
            "--Cloud:Host=127.0.0.1",
            "--Cloud:Port=" + brokerPort.ToString(CultureInfo.InvariantCulture),
            "--Cloud:UseTls=false",
            "--Cloud:ClientId=" + store,
            "--Cloud:Username=" + store,
            "--Cloud:Password=" + UplinkBroker.PasswordOf(store),
            "--Cloud:ControlKeyFile=" + controlKeyFile,
            "--Cloud:MetricsIntervalSeconds=" + RolloutFleet.SnapshotInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            "--Cloud:RetryMaxDelaySeconds=2",
        ]);
        return new FleetAgent(process, mqtt, http, models);
    }
}
