using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace EdgeAgent.Fleet.Http;

/// <summary>
/// The operator's commands on the fleet program's command line, read through a silo's API with its token:
/// <c>status</c> (the fleet's counts) and <c>stores</c> (every store, worst first). Any silo answers the same.
/// <code>
/// EdgeAgent.Fleet stores --url http://127.0.0.1:8090 --token-file /run/secrets/fleet-api.token
/// </code>
/// Exit codes: 0 done, 2 usage, 4 refused by the API (token), 5 no answer.
/// </summary>
internal static class FleetCommands
{
    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "status" or "stores";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var url = "http://127.0.0.1:8090";
        string? tokenFile = Environment.GetEnvironmentVariable("EDGEAGENT_FLEET_TOKEN_FILE");
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--url" && i + 1 < args.Length)
            {
                url = args[++i];
            }
            else if (args[i] == "--token-file" && i + 1 < args.Length)
            {
                tokenFile = args[++i];
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
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, args[0] == "status" ? "/api/status" : "/api/stores"));
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

            if (!response.IsSuccessStatusCode)
            {
                await error.WriteLineAsync($"The fleet answered {(int)response.StatusCode}");
                return 5;
            }

            using var document = JsonDocument.Parse(body);
            await output.WriteAsync(args[0] == "status" ? Status(document.RootElement) : Stores(document.RootElement));
            return 0;
        }
    }

    private static int Usage(TextWriter error, string why)
    {
        error.WriteLine(why);
        error.WriteLine("usage: EdgeAgent.Fleet status|stores --url http://<silo>:<Fleet:HttpPort> --token-file <file with the API token>");
        return 2;
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
