using System.Text;

namespace EdgeAgent.IntegrationTests;

/// <summary>A corpus of bad payloads interleaved with good ones: every bad one is answered with its reason, counted and dead-lettered without a card number; every good one still gets its decision.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    public static IEnumerable<(string Name, string Topic, byte[] Payload, string Code)> Corpus()
    {
        var topic = Payloads.Topic();
        static byte[] U(string s) => Encoding.UTF8.GetBytes(s);
        var valid = Encoding.UTF8.GetString(Payloads.Payment("bad-x"));
        yield return ("not json", topic, U("hello"), "invalid_json");
        yield return ("empty", topic, [], "invalid_json");
        yield return ("array", topic, U("[1,2]"), "invalid_json");
        yield return ("truncated", topic, U(valid[..40]), "invalid_json");
        yield return ("too deep", topic, U(new string('[', 40) + new string(']', 40)), "invalid_json");
        yield return ("invalid utf8", topic, [0x7B, 0xFF, 0xFE, 0x7D], "invalid_utf8");
        yield return ("oversize", topic, U(valid.Replace("\"m-1\"", "\"" + new string('m', 9000) + "\"", StringComparison.Ordinal)), "payload_too_large");
        yield return ("wrong types", topic, U(valid.Replace("25.00", "\"25.00\"", StringComparison.Ordinal)), "invalid_type");
        yield return ("zero amount", topic, U(valid.Replace("25.00", "0", StringComparison.Ordinal)), "out_of_range");
        yield return ("negative amount", topic, U(valid.Replace("25.00", "-25", StringComparison.Ordinal)), "out_of_range");
        yield return ("absurd amount", topic, U(valid.Replace("25.00", "1e30", StringComparison.Ordinal)), "out_of_range");
        yield return ("NaN amount", topic, U(valid.Replace("25.00", "NaN", StringComparison.Ordinal)), "invalid_json");
        yield return ("unknown currency", topic, U(valid.Replace("EUR", "ZZZ", StringComparison.Ordinal)), "unknown_currency");
        yield return ("bad luhn", topic, U(valid.Replace(Payloads.Pan, "4111111111111112", StringComparison.Ordinal)), "luhn_check_failed");
        yield return ("both pan and token", topic, U(valid.Replace("\"mcc\"", "\"cardToken\":\"tok_12345678\",\"mcc\"", StringComparison.Ordinal)), "card_ambiguous");
        yield return ("neither pan nor token", topic, U(valid.Replace($"\"pan\":\"{Payloads.Pan}\",", string.Empty, StringComparison.Ordinal)), "required");
        yield return ("missing field", topic, U(valid.Replace("\"currency\":\"EUR\",", string.Empty, StringComparison.Ordinal)), "required");
        yield return ("extra-long id", topic, U(valid.Replace("bad-x", new string('x', 80), StringComparison.Ordinal)), "too_long");
        yield return ("lone surrogate", topic, U(valid.Replace("\"m-1\"", "\"M\\uDC00\"", StringComparison.Ordinal)), "invalid_format");
        yield return ("surrogate in a name", topic, U(valid.Replace("\"mcc\"", "\"\\uD800x\":1,\"mcc\"", StringComparison.Ordinal)), "invalid_json");
        yield return ("card number in merchantId", topic, U(valid.Replace("\"m-1\"", "\"4111 1111 1111 1111\"", StringComparison.Ordinal)), "card_data_misplaced");
        yield return ("card number in a note", topic, U(valid.Replace("\"mcc\"", "\"note\":\"4111.1111.1111.1111\",\"mcc\"", StringComparison.Ordinal)), "card_data_misplaced");
        yield return ("formatted card as token", topic, U(valid.Replace($"\"pan\":\"{Payloads.Pan}\"", "\"cardToken\":\"4111-1111-1111-1111\"", StringComparison.Ordinal)), "card_data_misplaced");
        yield return ("wrong topic", "pos/store-1/payments", Payloads.Payment("bad-topic"), "invalid_topic");
        yield return ("bad terminal id", "pos/store-1/t 1/payments", Payloads.Payment("bad-terminal"), "invalid_topic");
    }

    /// <summary>Refusals that cannot be answered: without a store and terminal in the topic no response topic can be trusted.</summary>
    private static bool Unanswerable(string code) => code == "invalid_topic";

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _data.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task EveryBadPayloadIsRejectedWithItsReason_AndEveryValidOneIsScored()
    {
        var corpus = Corpus().ToList();
        var valid = new List<Task<byte[]>>();
        var bad = new List<(string Name, string Code, Task<byte[]> Answer)>();
        await using (var agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Cpu"))
        {
            await using var terminal = await TestTerminal.ConnectAsync(_port);
            for (var i = 0; i < corpus.Count; i++)
            {
                valid.Add((await terminal.SendAsync(Payloads.Topic(), Payloads.Payment($"good-{i}", 10m + i))).Answer);
                var (name, topic, payload, code) = corpus[i];
                bad.Add((name, code, (await terminal.SendAsync(topic, payload)).Answer));
            }

            valid.Add((await terminal.SendAsync(Payloads.Topic(), Payloads.Payment("good-last"))).Answer);
            foreach (var answer in valid)
            {
                Assert.Equal("scored", Answers.Status(await answer.WaitAsync(TimeSpan.FromSeconds(30))));
            }

            foreach (var (name, code, answer) in bad.Where(b => !Unanswerable(b.Code)))
            {
                var body = await answer.WaitAsync(TimeSpan.FromSeconds(30));
                Assert.True(Answers.Status(body) == "rejected", name);
                Assert.True(Answers.ErrorCodes(body).Contains(code), $"{name}: expected {code}, got {string.Join(",", Answers.ErrorCodes(body))}");
            }

            Assert.Equal(corpus.Count + 1, agent.Metrics.Scored);
            Assert.Equal(corpus.Count, agent.Metrics.Rejected);
            var byCode = agent.Metrics.RejectionsByCode();
            foreach (var group in corpus.GroupBy(c => c.Code))
            {
                Assert.True(byCode[group.Key] >= group.Count(), group.Key);
            }

            Assert.True(agent.Status.IsReady);
        }

        using var record = new AgentRecord(_data.Path);
        Assert.Equal(corpus.Count, record.DeadLetters.Count);
        Assert.All(record.DeadLetters, d =>
        {
            Assert.DoesNotContain("4111", d.Topic ?? string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain("4111", d.TransactionId ?? string.Empty, StringComparison.Ordinal);
        });
        Assert.Equal(corpus.Count + 1, record.Outcomes.Count);
    }
}
