using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>
/// Payments whose ids are tokens (hex, UUIDs) through the real agent from a real MQTT.js terminal: none refused, even ids
/// whose hex digits hold a Luhn-valid run of 13–19 digits, which a Luhn check alone takes for a card number.
/// </summary>
public sealed class TokenIdsTests : IAsyncLifetime
{
    private const int Payments = 300;
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _data.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task HexAndUuidIds_AreAllScored_NoneRefusedAsCardData()
    {
        var ids = Enumerable.Range(0, Payments).Select(Id).ToList();
        Assert.Equal(Payments, ids.Distinct(StringComparer.Ordinal).Count());
        var file = Path.Combine(_data.Path, "payments.jsonl");
        await File.WriteAllLinesAsync(file, ids.Select(id => Encoding.UTF8.GetString(Payloads.Payment(id))));

        await using var agent = await InProcessAgent.StartAsync(Path.Combine(_data.Path, "agent"), $"Mqtt:Port={_port}", "Inference:Provider=Cpu");
        await using var terminal = ExternalProcess.Start(NodeClients.Node,
            [Path.Combine(NodeClients.Folder, "stream.mjs"), _port.ToString(CultureInfo.InvariantCulture), "js-hex", "store-h", "t-hex", file, "2"],
            NodeClients.Folder);
        await Eventually.TrueAsync(() => Answers(terminal).Count >= Payments, $"all {Payments} payments are answered", TimeSpan.FromSeconds(120));

        var answers = Answers(terminal);
        Assert.Equal(ids.Order(StringComparer.Ordinal), answers.Select(a => a.TransactionId).Order(StringComparer.Ordinal));
        Assert.All(answers, a => Assert.True(a.Status == "scored", $"{a.TransactionId}: {a.Body}"));
        Assert.Equal(0, agent.Metrics.RejectionsByCode().GetValueOrDefault("card_data_misplaced"));
    }

    /// <summary>
    /// A third are 24-hex-digit ids with a Luhn-valid 16-digit run glued inside (another card's digits, not this payment's);
    /// a third random 24- or 32-hex-digit ids; a third UUIDs.
    /// </summary>
    private static string Id(int i) => (i % 3) switch
    {
        0 => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)) + "a" + LuhnRun() + "f" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(1))[..1],
        1 => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(i % 2 == 0 ? 12 : 16)),
        _ => Guid.NewGuid().ToString(i % 2 == 0 ? "D" : "N"),
    };

    private static string LuhnRun()
    {
        while (true)
        {
            var body = string.Concat(Enumerable.Range(0, 15).Select(k => k == 0 ? (char)('2' + RandomNumberGenerator.GetInt32(8)) : (char)('0' + RandomNumberGenerator.GetInt32(10))));
            for (var check = 0; check < 10; check++)
            {
                var run = body + (char)('0' + check);
                if (IsLuhnValid(run) && run != Payloads.Pan)
                {
                    return run;
                }
            }
        }
    }

    private static bool IsLuhnValid(string digits)
    {
        var sum = 0;
        for (var k = 0; k < digits.Length; k++)
        {
            var d = digits[digits.Length - 1 - k] - '0';
            sum += k % 2 == 1 ? (d * 2 > 9 ? (d * 2) - 9 : d * 2) : d;
        }

        return sum % 10 == 0;
    }

    private static List<(string TransactionId, string Status, string Body)> Answers(ExternalProcess terminal) =>
        terminal.Output.Split('\n')
            .Where(line => line.StartsWith("{\"event\":\"message\"", StringComparison.Ordinal))
            .Select(line =>
            {
                using var json = JsonDocument.Parse(line);
                var body = json.RootElement.GetProperty("payload").GetString()!;
                using var answer = JsonDocument.Parse(body);
                return (answer.RootElement.GetProperty("transactionId").GetString()!, answer.RootElement.GetProperty("status").GetString()!, body);
            })
            .ToList();
}
