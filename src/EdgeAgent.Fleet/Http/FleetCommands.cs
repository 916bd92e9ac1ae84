using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace EdgeAgent.Fleet.Http;

/// <summary>
/// The operator's commands on the fleet program's command line, read through a silo's API with its token:
/// <c>status</c> (the fleet's counts), <c>stores</c> (every store, worst first) and <c>rollout
/// start|promote|rollback|status</c> (the staged model rollout and its audit log). Any silo answers the same.
/// <code>
/// EdgeAgent.Fleet stores --url http://127.0.0.1:8090 --token-file /run/secrets/fleet-api.token
/// EdgeAgent.Fleet rollout start --card fraud-gbt-1.1.0.card.json --url http://fleet:8090/models/fraud-gbt-1.1.0.card.json --token-file …
/// </code>
/// Exit codes: 0 done, 2 usage, 4 refused by the API (token), 5 no answer, 6 rollout command refused (one moving, none moving, a bad model).
/// </summary>
internal static class FleetCommands
{
    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "status" or "stores" or "rollout";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var url = "http://127.0.0.1:8090";
        string? tokenFile = Environment.GetEnvironmentVariable("EDGEAGENT_FLEET_TOKEN_FILE");
        var rollout = args[0] == "rollout" ? (args.Length > 1 ? args[1] : "") : null;
        if (rollout is not null and not ("start" or "promote" or "rollback" or "status"))
        {
            return Usage(error, "rollout takes start, promote, rollback or status");
        }

        var model = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = rollout is null ? 1 : 2; i < args.Length; i++)
        {
            if (args[i] == "--url" && i + 1 < args.Length)
            {
                url = args[++i];
            }
            else if (args[i] == "--token-file" && i + 1 < args.Length)
            {
                tokenFile = args[++i];
            }
            else if (rollout is not null && args[i] is "--name" or "--version" or "--sha256" or "--model-url" or "--canary" or "--reason" or "--card" && i + 1 < args.Length)
            {
                model[args[i][2..]] = args[++i];
            }
            else
            {
                return Usage(error, $"unknown argument {args[i]}");
            }
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUri) || string.IsNullOrWhiteSpace(tokenFile) || !File.Exists(tokenFile))
        {
            return Usage(error, "a silo's --url and an existing --token-file (or EDGEAGENT_FLEET_TOKEN_FILE) are required");
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        using var request = rollout switch
        {
            null => new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, args[0] == "status" ? "/api/status" : "/api/stores")),
            "status" => new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "/api/rollout")),
            _ => new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "/api/rollout/" + rollout)),
        };
        if (rollout is "start" or "rollback")
        {
            if (RolloutBody(rollout, model, out var problem) is not { } body)
            {
                return Usage(error, problem!);
            }

            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(tokenFile)).Trim());
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"The fleet at {baseUri} does not answer: {ex.Message}");
            return 5;
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync();
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                await error.WriteLineAsync($"Refused ({(int)response.StatusCode}): {System.Text.Encoding.UTF8.GetString(body)}");
                return 4;
            }

            if (rollout is "start" or "promote" or "rollback" && response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.BadRequest or HttpStatusCode.ServiceUnavailable)
            {
                using var refusal = JsonDocument.Parse(body);
                await error.WriteLineAsync($"Refused ({refusal.RootElement.GetProperty("refusal").GetString()}): {refusal.RootElement.GetProperty("detail").GetString()}");
                return 6;
            }

            if (!response.IsSuccessStatusCode)
            {
                await error.WriteLineAsync($"The fleet answered {(int)response.StatusCode}");
                return 5;
            }

            using var document = JsonDocument.Parse(body);
            await output.WriteAsync(rollout switch
            {
                null => args[0] == "status" ? Status(document.RootElement) : Stores(document.RootElement),
                "status" => RolloutStatus(document.RootElement),
                _ => document.RootElement.GetProperty("detail").GetString() + "\n",
            });
            return 0;
        }
    }

    private static int Usage(TextWriter error, string why)
    {
        error.WriteLine(why);
        error.WriteLine("usage: EdgeAgent.Fleet status|stores --url http://<silo>:<Fleet:HttpPort> --token-file <file with the API token>");
        error.WriteLine("       EdgeAgent.Fleet rollout start (--card <card file> | --name <n> --version <v> --sha256 <hex>) --model-url <card url> [--canary <store>] --url … --token-file …");
        error.WriteLine("       EdgeAgent.Fleet rollout promote|status --url … --token-file …");
        error.WriteLine("       EdgeAgent.Fleet rollout rollback [--reason <text>] --url … --token-file …");
        return 2;
    }

    /// <summary>The JSON body of <c>rollout start</c> (from a card file, or from the name, version and sha256 given) or <c>rollback</c>.</summary>
    private static string? RolloutBody(string command, Dictionary<string, string> given, out string? problem)
    {
        problem = null;
        if (command == "rollback")
        {
            return JsonSerializer.Serialize(new Dictionary<string, string?> { ["reason"] = given.GetValueOrDefault("reason") });
        }

        if (given.TryGetValue("card", out var cardFile))
        {
            try
            {
                using var card = JsonDocument.Parse(File.ReadAllBytes(cardFile));
                given.TryAdd("name", card.RootElement.GetProperty("name").GetString()!);
                given.TryAdd("version", card.RootElement.GetProperty("version").GetString()!);
                given.TryAdd("sha256", card.RootElement.GetProperty("sha256").GetString()!);
            }
            catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                problem = $"--card {cardFile} is not a readable model card ({ex.Message})";
                return null;
            }
        }

        if (!given.TryGetValue("name", out var name) || !given.TryGetValue("version", out var version)
            || !given.TryGetValue("sha256", out var sha256) || !given.TryGetValue("model-url", out var modelUrl))
        {
            problem = "rollout start needs the model (--card, or --name, --version and --sha256) and --model-url, where the agents download its card";
            return null;
        }

        return JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["name"] = name,
            ["version"] = version,
            ["sha256"] = sha256,
            ["url"] = modelUrl,
            ["canary"] = given.GetValueOrDefault("canary"),
        });
    }

    /// <summary>The rollout, its rings, its last gate's figures and its audit log, one line per entry, oldest first.</summary>
    private static string RolloutStatus(JsonElement s)
    {
        var text = new System.Text.StringBuilder();
        if (s.GetProperty("rolloutId").ValueKind != JsonValueKind.String)
        {
            text.Append("no rollout yet\n");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"{"rollout",-10} {s.GetProperty("rolloutId").GetString()}\n");
            text.Append(CultureInfo.InvariantCulture, $"{"phase",-10} {s.GetProperty("phase").GetString()!.ToLowerInvariant()}\n");
            text.Append(CultureInfo.InvariantCulture, $"{"ring",-10} {s.GetProperty("ring").GetInt32()} of {s.GetProperty("rings").GetArrayLength()}, soak {s.GetProperty("soakSeconds").GetDouble()} s\n");
            var i = 0;
            foreach (var ring in s.GetProperty("rings").EnumerateArray())
            {
                text.Append(CultureInfo.InvariantCulture, $"  ring {i++}: {string.Join(",", ring.EnumerateArray().Select(r => r.GetString()))}\n");
            }

            foreach (var store in s.GetProperty("lastGate").EnumerateArray())
            {
                text.Append(CultureInfo.InvariantCulture, $"  gate {store.GetProperty("storeId").GetString(),-16} {store.GetProperty("verdict").GetString(),-5} {store.GetProperty("why").GetString()}\n");
            }
        }

        text.Append("audit:\n");
        foreach (var entry in s.GetProperty("audit").EnumerateArray())
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{entry.GetProperty("sequence").GetInt64(),6} {entry.GetProperty("at").GetDateTimeOffset():yyyy-MM-ddTHH:mm:ss.fffZ} {entry.GetProperty("rolloutId").GetString()} {entry.GetProperty("step").GetString(),-13} ring {entry.GetProperty("ring").GetInt32(),2} [{string.Join(",", entry.GetProperty("stores").EnumerateArray().Select(e => e.GetString()))}] by {entry.GetProperty("by").GetString()}: {entry.GetProperty("detail").GetString()}\n");
        }

        return text.ToString();
    }

    private static string Status(JsonElement s)
    {
        var text = new System.Text.StringBuilder();
        foreach (var property in s.EnumerateObject())
        {
            text.Append(CultureInfo.InvariantCulture, $"{property.Name,-22} {property.Value}\n");
        }

        return text.ToString();
    }

    /// <summary>One line per store as the API orders them, worst first; a <c>!</c> marks what is out of its band.</summary>
    private static string Stores(JsonElement stores)
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{"store",-20} {"state",-8} {"seen",8} {"pay/s",8} {"p99 ms",9} {"alert",8} {"band",13} {"model",-28} {"provider",-10} {"backlog",8} {"errors",6}\n");
        foreach (var s in stores.EnumerateArray())
        {
            var last = s.GetProperty("last");
            var has = last.ValueKind == JsonValueKind.Object;
            string Num(string name, string format) =>
                has && last.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString(format, CultureInfo.InvariantCulture) : "-";
            string Str(string name) => has && last.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "-";
            var seen = s.GetProperty("secondsSinceSeen") is { ValueKind: JsonValueKind.Number } ago ? ago.GetDouble().ToString("F0", CultureInfo.InvariantCulture) + " s" : "never";
            var alert = s.GetProperty("alertRate") is { ValueKind: JsonValueKind.Number } rate ? (rate.GetDouble() * 100).ToString("F1", CultureInfo.InvariantCulture) + "%" : "-";
            var band = string.Create(CultureInfo.InvariantCulture, $"{s.GetProperty("bandLow").GetDouble() * 100:F1}-{s.GetProperty("bandHigh").GetDouble() * 100:F1}%");
            var p99 = Num("p99Ms", "F1") + (s.GetProperty("latencyOutOfBand").GetBoolean() ? "!" : "");
            alert += s.GetProperty("alertRateOutOfBand").GetBoolean() ? "!" : "";
            var model = has ? $"{Str("model")} {Str("modelVersion")}" : "-";
            text.Append(CultureInfo.InvariantCulture,
                $"{s.GetProperty("storeId").GetString(),-20} {s.GetProperty("state").GetString()!.ToLowerInvariant(),-8} {seen,8} {Num("paymentsPerSecond", "F1"),8} {p99,9} {alert,8} {band,13} {model,-28} {Str("provider"),-10} {Num("bufferUnsent", "F0"),8} {Num("modelErrors", "F0"),6}\n");
        }

        return text.ToString();
    }
}
