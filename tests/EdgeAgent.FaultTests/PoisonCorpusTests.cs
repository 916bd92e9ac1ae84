using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using EdgeAgent.FaultTests.Support;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;
using static EdgeAgent.FaultTests.Support.RawPublish;

namespace EdgeAgent.FaultTests;

/// <summary>
/// Messages built to break the agent, each from its own terminal, each followed by a valid payment: every one is answered
/// with a refusal and its code (or refused by the broker itself, with no answer), counted, and the agent goes on
/// answering the next valid payment.
/// </summary>
public sealed class PoisonCorpusTests(ITestOutputHelper output) : IDisposable
{
    private const string Store = "store-4";
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    /// <summary>A refusal by the broker itself: a PUBACK reason code of 0x80 or more, or the connection closed.</summary>
    private const string Broker = "broker";

    /// <summary>Refused with <c>invalid_topic</c>, counted, and not answered: a topic without a readable terminal names no one to answer.</summary>
    private const string Unanswerable = "no answer";

    public void Dispose() => _data.Dispose();

    private static IEnumerable<(string Name, RawPublish Publish, string Expected)> Corpus()
    {
        static string T(int i) => $"pos/{Store}/p{i}/payments";
        static string Own(int i, string rest) => $"pos/{Store}/p{i}/responses/{rest}";
        static byte[] Valid(int i) => Payloads.Payment($"poison-{i}");
        var i = 0;
        yield return ("lone surrogate in merchantId", new(U(T(++i)), U(Encoding.UTF8.GetString(Valid(i)).Replace("\"m-1\"", "\"M\\uDC00\"", StringComparison.Ordinal))), "invalid_format");
        yield return ("response topic with #", new(U(T(++i)), Valid(i)) { ResponseTopic = U(Own(i, "#")) }, "invalid_response_topic");
        yield return ("response topic with +", new(U(T(++i)), Valid(i)) { ResponseTopic = U(Own(i, "+/x")) }, "invalid_response_topic");
        yield return ("response topic with NUL", new(U(T(++i)), Valid(i)) { ResponseTopic = U(Own(i, "a\0b")) }, "invalid_response_topic");
        yield return ("response topic over-long", new(U(T(++i)), Valid(i)) { ResponseTopic = U(Own(i, new string('a', 400))) }, "invalid_response_topic");
        yield return ("response topic of another terminal", new(U(T(++i)), Valid(i)) { ResponseTopic = U($"pos/{Store}/other/responses/x") }, "response_topic_not_allowed");
        yield return ("response topic with invalid UTF-8", new(U(T(++i)), Valid(i)) { ResponseTopic = [.. U(Own(i, "x")), 0xC3, 0x28] }, "invalid_response_topic");
        yield return ("correlation data oversize", new(U(T(++i)), Valid(i)) { ResponseTopic = U(Own(i, "c")), Correlation = new byte[4096] }, "correlation_data_too_large");
        yield return ("too many user properties", new(U(T(++i)), Valid(i)) { UserProperties = [.. Enumerable.Range(0, 40).Select(n => ($"k{n}", "v"))] }, "user_properties_too_large");
        yield return ("user property oversize", new(U(T(++i)), Valid(i)) { UserProperties = [("big", new string('v', 5000))] }, "user_properties_too_large");
        yield return ("content type not JSON", new(U(T(++i)), Valid(i)) { ContentType = "text/plain" }, "unsupported_content_type");
        yield return ("retained payment", new(U(T(++i)), Valid(i)) { Retain = true }, "retain_not_allowed");
        yield return ("QoS 0 payment", new(U(T(++i)), Valid(i)) { Qos = 0 }, "qos_not_supported");
        yield return ("invalid UTF-8 payload", new(U(T(++i)), [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D]), "invalid_utf8");
        yield return ("deeply nested JSON", new(U(T(++i)), U("{\"a\":" + new string('[', 3000) + new string(']', 3000) + "}")), "invalid_json");
        yield return ("huge amount", new(U(T(++i)), U(Encoding.UTF8.GetString(Valid(i)).Replace("25.00", "1e400", StringComparison.Ordinal))), "out_of_range");
        yield return ("amount of 600 digits", new(U(T(++i)), U(Encoding.UTF8.GetString(Valid(i)).Replace("25.00", new string('9', 600), StringComparison.Ordinal))), "out_of_range");
        yield return ("number as transaction id", new(U(T(++i)), U(Encoding.UTF8.GetString(Valid(i)).Replace($"\"poison-{i}\"", "1e999999", StringComparison.Ordinal))), "invalid_type");
        yield return ("invalid UTF-8 in the topic", new([.. U($"pos/{Store}/p{++i}"), 0xFF, .. U("/payments")], Valid(i)), Unanswerable);
        yield return ("packet over the maximum size", new(U(T(++i)), new byte[70_000]), Broker);
    }

    [Fact]
    public async Task EveryPoisonIsAnsweredOrRefusedAndCounted_AndTheNextPaymentIsScored()
    {
        var corpus = Corpus().ToList();
        var answers = new ConcurrentDictionary<string, byte[]>();
        await using var agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Cpu");
        using var observer = new MqttClientFactory().CreateMqttClient();
        observer.ApplicationMessageReceivedAsync += e =>
        {
            answers[e.ApplicationMessage.Topic.Split('/')[2]] = e.ApplicationMessage.Payload.ToArray();
            return Task.CompletedTask;
        };
        await observer.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        await observer.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter($"pos/{Store}/+/decisions", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter($"pos/{Store}/p8/responses/c", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await using var terminal = await TestTerminal.ConnectAsync(_port);

        var results = new List<string>();
        for (var n = 0; n < corpus.Count; n++)
        {
            var (name, publish, expected) = corpus[n];
            var reply = await publish.SendAsync(_port, "poison-" + n);
            var terminalId = "p" + (n + 1);
            string outcome;
            if (reply is null or >= 0x80)
            {
                outcome = Broker;
            }
            else
            {
                outcome = await Eventually.WithinAsync(() => answers.ContainsKey(terminalId), TimeSpan.FromSeconds(10))
                    ? Answers.Status(answers[terminalId]) + ":" + string.Join(",", Answers.ErrorCodes(answers[terminalId]))
                    : "no answer";
            }

            results.Add($"{name} -> {outcome} (broker reply {reply?.ToString("x2", System.Globalization.CultureInfo.InvariantCulture) ?? "closed"})");

            // The agent goes on: the next valid payment is scored.
            var next = await terminal.RequestAsync(Payloads.Topic(Store, "good"), Payloads.Payment("good-" + n, 10m + n));
            Assert.Equal("scored", Answers.Status(next));
        }

        output.WriteLine(string.Join('\n', results));
        for (var n = 0; n < corpus.Count; n++)
        {
            Assert.Contains(corpus[n].Expected is Broker or Unanswerable ? "-> " + corpus[n].Expected : "-> rejected:" + corpus[n].Expected, results[n], StringComparison.Ordinal);
        }

        Assert.Equal(corpus.Count(c => c.Expected != Broker), agent.Metrics.Rejected);
        Assert.Equal(corpus.Count(c => c.Expected == Unanswerable), agent.Metrics.RejectionsByCode().GetValueOrDefault("invalid_topic"));
        Assert.Equal(corpus.Count, agent.Metrics.Scored);
        Assert.Equal(0, agent.Metrics.InternalErrors);
        Assert.True(agent.Status.IsReady);
    }
}
