using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CsCheck;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Core.Tests.Pipeline;
using EdgeAgent.Core.Tests.Telemetry;
using EdgeAgent.Fuzzing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Core.Tests.Properties;

/// <summary>
/// The whole message path in process (intake, scoring loop, answer, record loop, acknowledgement) against random payloads in
/// random envelopes, then one good payment: every message is acknowledged and counted once, answered once when its topic
/// names a terminal and never otherwise, never on a topic it may not use, with no card digits in any answer or dead letter,
/// its payload wiped; and the good payment after them is still scored and answered.
/// </summary>
public sealed class PipelineProperties
{
    private const string FinalTopic = "pos/store-1/t1/payments";
    private const string FinalResponseTopic = "pos/store-1/t1/responses/final";

    private static readonly Gen<(Envelope Envelope, byte[] Payload)[]> Messages =
        Gen.Select(EnvelopeGen.Envelope, PaymentGen.Payload).Array[1, 6];

    [Fact]
    public async Task AnyMessages_AreEachAnsweredOrRefusedOnce_AndTheNextGoodPaymentIsStillScored() =>
        await Messages.SampleAsync(RunAsync, iter: PropertyRuns.Of(300), threads: 1);

    private static async Task RunAsync((Envelope Envelope, byte[] Payload)[] inputs)
    {
        var events = new List<string>();
        var store = new MemoryStore(events);
        var publisher = new RecordingPublisher(events);
        using var metrics = new PipelineMetrics();
        using var counts = new PipelineCounts(metrics.Meter);
        using var pipeline = new ScoringPipeline(
            new PipelineParts
            {
                Parser = TestPayments.Parser(),
                Scorers = new SingleScorer(new AmountScorer()),
                Store = store,
                Publisher = publisher,
                Options = new PipelineOptions(),
                Validation = new Core.Payments.ValidationOptions(),
                Decisions = new DecisionPolicy(new DecisionOptions()),
                Metrics = metrics,
                Time = TimeProvider.System,
                Logger = NullLogger.Instance,
            },
            NullLoggerFactory.Instance);
        var messages = inputs.Select((input, i) => Message(events, input.Envelope, input.Payload, "m" + i)).ToList();
        messages.Add(Message(events, new Envelope(FinalTopic, true, FinalResponseTopic, [7, 7], null, 0, 0, 1, false),
            TestPayments.Bytes(TestPayments.Json(transactionId: "final-1")), "final"));

        pipeline.Restore();
        var run = pipeline.RunAsync(CancellationToken.None);
        foreach (var message in messages)
        {
            await pipeline.EnqueueAsync(message, CancellationToken.None);
            Assert.True(message.Payload.Span.IndexOfAnyExcept((byte)0) < 0, "the payload is wiped once it is taken in");
        }

        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(messages, m => Assert.True(((TestSettlement)m.Settlement).Acknowledged));
        Assert.Equal(messages.Count, counts.Received);
        Assert.Equal(messages.Count, counts.Acknowledged);
        Assert.Equal(messages.Count, counts.Scored + counts.Duplicates + counts.Rejected);

        var usable = inputs.Count(i => i.Envelope.TopicUsable) + 1;
        var published = publisher.Published.ToList();
        Assert.Equal(usable, published.Count);
        var allowed = messages.Where(m => m.ResponseTopic is not null).Select(m => m.ResponseTopic!)
            .Concat(inputs.Where(i => i.Envelope.TopicUsable).Select(i => DecisionsTopic(i.Envelope.Topic))).ToHashSet(StringComparer.Ordinal);
        foreach (var (topic, correlation, payload) in published)
        {
            Assert.Contains(topic, allowed);
            Assert.True(topic.AsSpan().IndexOfAny("+#\0") < 0 && topic[0] != '$' && topic.Length <= 256, "an answer goes to a plain topic: " + topic);
            Assert.True(correlation is null || correlation.Length <= 128);
            using var answer = JsonDocument.Parse(payload);
            Assert.False(CardDigits.In(payload), "an answer holds no card digits: " + Encoding.UTF8.GetString(payload));
        }

        Assert.All(store.DeadLetters, d => Assert.False(CardDigits.In(d.DeadLetter ?? []), "a dead letter holds no card digits"));
        Assert.All(store.Scored.Select(o => o.Event!), e => Assert.False(
            CardDigits.In(string.Join(" ", e.TransactionId, e.StoreId, e.TerminalId, e.MerchantId, e.Mcc, e.CardToken, e.PreviousCardToken)),
            "a recorded payment holds no card digits"));
        var (finalTopic, finalCorrelation, finalPayload) = Assert.Single(published, p => p.Topic == FinalResponseTopic
            && JsonDocument.Parse(p.Payload).RootElement.GetProperty("transactionId").GetString() == "final-1");
        Assert.Equal("scored", JsonDocument.Parse(finalPayload).RootElement.GetProperty("status").GetString());
        Assert.Equal([7, 7], finalCorrelation);
    }

    private static string DecisionsTopic(string paymentsTopic) => paymentsTopic[..paymentsTopic.LastIndexOf('/')] + "/decisions";

    private static InboundMessage Message(List<string> events, Envelope envelope, byte[] payload, string name) => new()
    {
        Topic = envelope.Topic,
        Payload = payload.ToArray(),
        ResponseTopic = envelope.ResponseTopic,
        CorrelationData = envelope.CorrelationData,
        ContentType = envelope.ContentType,
        UserPropertyCount = envelope.UserPropertyCount,
        UserPropertyBytes = envelope.UserPropertyBytes,
        Qos = envelope.Qos,
        Retain = envelope.Retain,
        ArrivedOverLoopback = true,
        ReceivedTimestamp = Stopwatch.GetTimestamp(),
        ReceivedAt = TestPayments.Now,
        Settlement = new TestSettlement(events, name),
    };
}
