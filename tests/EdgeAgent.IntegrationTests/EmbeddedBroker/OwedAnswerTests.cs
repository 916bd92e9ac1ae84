using System.Buffers;
using System.Text;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using EdgeAgent.Mqtt.Embedded;
using EdgeAgent.Storage.Answers;
using Microsoft.Extensions.Time.Testing;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>
/// The answer to a payment is owed to the client that sent it: on the wire before the payment's PUBACK, kept in the
/// data folder until that client acknowledges it, across restarts, and given to that client's session only, whoever
/// else subscribed to the topic.
/// </summary>
public sealed class OwedAnswerTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task EveryAnswer_IsOnTheWireBeforeItsPubAck()
    {
        await using var broker = await StartAsync();
        await using var raw = await RawMqtt.OpenAsync(broker.Port);
        await raw.SendAsync(RawMqtt.Connect(4, "order-1", cleanSession: true, keepAlive: 60));
        Assert.Equal(0x20, (await raw.ReadPacketAsync())!.Value.Header);
        await raw.SendAsync(Subscribe(1, "pos/store-1/t1/decisions"));
        Assert.Equal(0x90, (await raw.ReadPacketAsync())!.Value.Header);

        // Many payments in flight at once, so that the PUBACKs and the answers compete for the connection.
        const int Payments = 200;
        for (var i = 0; i < Payments; i++)
        {
            await raw.SendAsync(Publish((ushort)(i + 1), Payloads.Topic(), Payloads.Payment($"ord-{i}")));
        }

        var answers = 0;
        var overtaken = new List<int>();
        for (var acknowledged = 0; acknowledged < Payments;)
        {
            var (header, body) = (await raw.ReadPacketAsync())!.Value;
            if ((header & 0xF0) == 0x30)
            {
                answers++;
                var topicLength = (body[0] << 8) | body[1];
                await raw.SendAsync([0x40, 0x02, body[2 + topicLength], body[3 + topicLength]]);
            }
            else if (header == 0x40)
            {
                acknowledged++;
                if (answers < acknowledged)
                {
                    overtaken.Add(acknowledged);
                }
            }
        }

        Assert.Empty(overtaken); // the n-th PUBACK never came before the n-th answer

        // An answer this client acknowledged at once was written, even when its PUBACK was read before the send loop told
        // so: no payment's PUBACK waited out the bound for an answer already taken.
        Assert.Equal(0, broker.Metrics.Refusals("answer_write_wait"));
    }

    [Fact]
    public void AnAnswerItsPayerAcknowledged_CountsAsWritten_EvenBeforeTheSendLoopSaysSo()
    {
        // A quick terminal's PUBACK of its answer can be read before the send loop, back from the write, reports it: the
        // payment's PUBACK waits for the write, and must not wait out its bound for an answer the terminal already took.
        var context = new BrokerContext("pos", BrokerLimits.From(new Mqtt.MqttOptions()), TimeProvider.System, new BrokerMetrics(new TestMeterFactory()), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var owed = new OwedAnswers(new InMemoryOwedAnswers(), context, MqttQualityOfServiceLevel.AtLeastOnce);
        var payload = Encoding.UTF8.GetBytes("""{"transactionId":"tx-quick"}""");
        var (answer, _) = owed.Owe("quick-1", "pos/store-1/t1/decisions", null, payload, DateTimeOffset.UtcNow);

        owed.Acknowledged("quick-1", new MQTTnet.Packets.MqttPublishPacket { Topic = answer.Topic, Payload = new ReadOnlySequence<byte>(payload) });

        Assert.True(answer.Written.IsCompleted);
        Assert.Equal(0, owed.Count);
    }

    [Fact]
    public async Task AnOperatorsExactSubscription_DoesNotTakeTheTerminalsAnswer()
    {
        await using var broker = await StartAsync();
        await using var monitor = await TestClient.ConnectAsync(broker.Port, "monitor");
        await monitor.SubscribeAsync("pos/store-1/t1/decisions"); // exact: it receives the answer and acknowledges it
        await using var terminal = await TestClient.ConnectAsync(broker.Port, "store-1-t1", MqttProtocolVersion.V311);

        await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-owed-1"));
        var seen = await monitor.NextAsync();
        await terminal.SubscribeAsync("pos/store-1/t1/decisions");
        var answer = await terminal.NextAsync();

        Assert.Equal(seen.Payload.ToArray(), answer.Payload.ToArray());
    }

    [Fact]
    public async Task AfterACrash_AnOwedAnswerReachesItsTerminal_AndNoOtherClient()
    {
        await using var broker = await StartAsync();
        await using (var terminal = await TestClient.ConnectAsync(broker.Port, "store-1-t2", MqttProtocolVersion.V311))
        {
            await terminal.PublishAsync(Payloads.Topic(terminal: "t2"), Payloads.Payment("tx-owed-2")); // PUBACK received, no subscription
        }

        await broker.CrashAndRestartAsync();
        await using var other = await TestClient.ConnectAsync(broker.Port, "someone-else");
        await other.SubscribeAsync("pos/store-1/t2/decisions");
        await using var again = await TestClient.ConnectAsync(broker.Port, "store-1-t2", MqttProtocolVersion.V311);
        await again.SubscribeAsync("pos/store-1/+/decisions");
        var answer = await again.NextAsync();

        Assert.StartsWith("""{"answer":1,""", Encoding.UTF8.GetString(answer.Payload.ToArray()), StringComparison.Ordinal);
        Assert.Empty(other.Drain());
        await Eventually.TrueAsync(() => OwedInFolder() == 0, "the acknowledged answer is owed no more");

        // Acknowledged: a second restart offers it no more.
        await broker.CrashAndRestartAsync();
        await using var third = await TestClient.ConnectAsync(broker.Port, "store-1-t2", MqttProtocolVersion.V311);
        await third.SubscribeAsync("pos/store-1/t2/decisions");
        await Assert.ThrowsAnyAsync<Exception>(() => third.NextAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task OwedAnswersBeyondTheBound_TheOldestGoes_Counted()
    {
        await using var broker = await StartAsync(o => o.BrokerOwedAnswersPerClient = 2);
        await using var terminal = await TestClient.ConnectAsync(broker.Port, "store-1-t3", MqttProtocolVersion.V311);
        for (var i = 0; i < 3; i++)
        {
            await terminal.PublishAsync(Payloads.Topic(terminal: "t3"), Payloads.Payment($"tx-bound-{i}"));
        }

        await terminal.SubscribeAsync("pos/store-1/t3/decisions");
        var first = await terminal.NextAsync();
        var second = await terminal.NextAsync();

        Assert.Contains("\"answer\":2", Encoding.UTF8.GetString(first.Payload.ToArray()), StringComparison.Ordinal);
        Assert.Contains("\"answer\":3", Encoding.UTF8.GetString(second.Payload.ToArray()), StringComparison.Ordinal);
        Assert.Equal(1, broker.Metrics.Refusals("owed_answer_limit"));
    }

    [Fact]
    public async Task OwedAnswersOfClientsThatNeverSubscribe_AreBoundedInAll_TheOldestGoingFirst_Counted()
    {
        await using var broker = await StartAsync(o => o.BrokerOwedAnswersTotal = 3);
        var timeout = TimeSpan.FromSeconds(60);
        string[] common = ["-h", "127.0.0.1", "-p", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", "mqttv311", "-q", "1"];
        await using (var first = await TestClient.ConnectAsync(broker.Port, "store-1-t4", MqttProtocolVersion.V311))
        {
            await first.PublishAsync(Payloads.Topic(terminal: "t4"), Payloads.Payment("tx-total-0")); // owed, the oldest of all
        }

        // mosquitto_pub without -i: a new client id each time, and it never subscribes for its answer.
        for (var i = 1; i <= 3; i++)
        {
            var pub = await ExternalClients.RunAsync(ExternalClients.MosquittoPub,
                [.. common, "-t", Payloads.Topic(terminal: "rnd"), "-m", Encoding.UTF8.GetString(Payloads.Payment($"tx-total-{i}"))], timeout);
            Assert.True(pub.ExitCode == 0, pub.Output);
        }

        await using var last = await TestClient.ConnectAsync(broker.Port, "store-1-t5", MqttProtocolVersion.V311);
        await last.PublishAsync(Payloads.Topic(terminal: "t5"), Payloads.Payment("tx-total-4"));

        // Five answers owed, three kept: the two oldest went, each counted; in memory and in the file alike.
        Assert.Equal(3, broker.Ingest.OwedAnswers);
        Assert.Equal(2, broker.Metrics.Refusals("owed_answer_total_limit"));
        await Eventually.TrueAsync(() => OwedInFolder() == 3, "the file holds what is owed");
        await last.SubscribeAsync("pos/store-1/t5/decisions");
        Assert.Contains("\"answer\":5", Encoding.UTF8.GetString((await last.NextAsync()).Payload.ToArray()), StringComparison.Ordinal);
        await using var again = await TestClient.ConnectAsync(broker.Port, "store-1-t4", MqttProtocolVersion.V311);
        await again.SubscribeAsync("pos/store-1/t4/decisions");
        await Assert.ThrowsAnyAsync<Exception>(() => again.NextAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task ATerminalThatDoesNotRead_HoldsUpItsOwnPubAck_NotThoseOfThePaymentsCommittedWithIt()
    {
        // The clock stands still: the bounded wait for the silent terminal's answer to be written never ends by itself.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await TestBroker.StartAsync(owedAnswers: () => new EdgeAgent.Hosting.FileOwedAnswers(Path.Combine(_data.Path, "owed")), time: time);
        broker.Sink.Mode = SinkMode.Group;

        // A terminal with a small receive window that reads nothing, and a flood on a topic it subscribed to: the broker's
        // writes to it stop once the socket's buffers are full, so its answer waits behind the flood, unwritten.
        await using var silent = await RawMqtt.OpenAsync(broker.Port, receiveBufferBytes: 4096);
        await silent.SendAsync(RawMqtt.Connect(4, "store-1-silent", cleanSession: true, keepAlive: 60));
        Assert.Equal(0x20, (await silent.ReadPacketAsync())!.Value.Header);
        await silent.SendAsync(Subscribe(1, "pos/store-1/silent/decisions"));
        Assert.Equal(0x90, (await silent.ReadPacketAsync())!.Value.Header);
        await silent.SendAsync(Subscribe(2, "flood/silent"));
        Assert.Equal(0x90, (await silent.ReadPacketAsync())!.Value.Header);
        await using (var flood = await TestClient.ConnectAsync(broker.Port, "store-1-flood", MqttProtocolVersion.V311))
        {
            var chunk = new byte[60_000];
            for (var i = 0; i < 200; i++) // 12 MB, three times the most Linux lets a socket's send buffer grow to
            {
                await flood.PublishAsync("flood/silent", chunk, qos: MqttQualityOfServiceLevel.AtMostOnce);
            }
        }

        // Its payment and another terminal's are committed together, the silent one's first.
        await silent.SendAsync(Publish(7, Payloads.Topic(terminal: "silent"), Payloads.Payment("tx-silent")));
        await Eventually.TrueAsync(() => !broker.Sink.Received.IsEmpty, "the silent terminal's payment reached the pipeline");
        await using var till = await TestClient.ConnectAsync(broker.Port, "store-1-till", MqttProtocolVersion.V311);
        await till.SubscribeAsync("pos/store-1/till/decisions");
        var pubAck = till.PublishAsync(Payloads.Topic(terminal: "till"), Payloads.Payment("tx-till"));

        // The till has its PUBACK and its answer while the silent terminal's answer is still unwritten.
        await pubAck.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("\"answer\"", Encoding.UTF8.GetString((await till.NextAsync()).Payload.ToArray()), StringComparison.Ordinal);
        Assert.Equal(0, broker.Metrics.Refusals("answer_write_wait"));

        // Once the bounded wait is over the silent terminal's PUBACK goes too, counted; its answer stays owed. On a busy
        // machine the wait may start only after the clock first moves, and then waits for the clock to move again: it is
        // moved on until the wait ends, at most 30 s of the test's clock in all (the silent terminal's keep-alive is 60 s).
        for (var step = 1; step <= 5 && broker.Metrics.Refusals("answer_write_wait") == 0; step++)
        {
            time.Advance(TimeSpan.FromSeconds(6));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2 * step);
            while (broker.Metrics.Refusals("answer_write_wait") == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }

        await Eventually.TrueAsync(() => broker.Metrics.Refusals("answer_write_wait") == 1, "the silent terminal's wait ended, counted");
        await Eventually.TrueAsync(() => broker.Ingest.OwedAnswers == 1, "only the silent terminal's answer is still owed");
    }

    [Fact]
    public async Task OwedAnswerFile_OneAnswerAtATime_EachReachesTheDevice()
    {
        // A till paying one payment at a time: each answer is owed just as the group commit of the one before ends, and
        // nothing else is appended that would start another. Every one must still be flushed: its payment's PUBACK waits
        // for that, and so does every PUBACK the record acknowledges after it. The wait is generous; a lost flush never ends.
        using var file = OwedAnswerFile.Open(_data.Path);
        for (var i = 0; i < 3000; i++)
        {
            var (_, durable) = file.Owe("store-1-t1", "pos/store-1/t1/decisions", null, Encoding.UTF8.GetBytes($"{{\"answer\":{i}}}"), DateTimeOffset.UtcNow);
            await durable.WaitAsync(TimeSpan.FromSeconds(60));
        }

        Assert.Equal(3000, file.Count);
    }

    [Fact]
    public async Task OwedAnswerFile_RewrittenWhileAnswersAreOwedAndSettled_KeepsExactlyWhatIsOwed()
    {
        var owedBytes = 0L;
        var expected = new HashSet<long>();
        using (var file = OwedAnswerFile.Open(_data.Path, compactionFloor: 4096))
        {
            // Four writers owe and settle at once while the file, past its floor after every group commit, is rewritten
            // again and again beside them.
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                var kept = new List<long>();
                var bytes = 0L;
                for (var i = 0; i < 500; i++)
                {
                    var payload = Encoding.UTF8.GetBytes($"{{\"writer\":{w},\"answer\":{i}}}");
                    var (answer, durable) = file.Owe($"client-{w}", "pos/s/t/decisions", [(byte)w], payload, DateTimeOffset.UnixEpoch);
                    bytes += payload.Length + "client-0".Length + "pos/s/t/decisions".Length;
                    if (i % 25 == 0)
                    {
                        await durable;
                    }

                    if (i % 3 == 0)
                    {
                        kept.Add(answer.Id);
                    }
                    else
                    {
                        file.Settle(answer.Id);
                    }
                }

                return (kept, bytes);
            })).ToArray();
            foreach (var (kept, bytes) in await Task.WhenAll(writers))
            {
                expected.UnionWith(kept);
                owedBytes += bytes;
            }

            await file.Owe("client-last", "pos/s/t/decisions", null, "{}"u8, DateTimeOffset.UnixEpoch).Durable;
            expected.Add(file.Outstanding().Max(a => a.Id));
        }

        // Rewritten on the way: smaller than the payloads, client ids and topics alone of every answer ever owed.
        Assert.True(new FileInfo(Path.Combine(_data.Path, OwedAnswerFile.FileName)).Length < owedBytes);
        using var reopened = OwedAnswerFile.Open(_data.Path);
        Assert.Equal(expected.Order(), reopened.Outstanding().Select(a => a.Id));
        Assert.All(reopened.Outstanding().Where(a => a.ClientId != "client-last"),
            a => Assert.Contains($"\"writer\":{a.Correlation![0]}", Encoding.UTF8.GetString(a.Payload), StringComparison.Ordinal));
    }

    [Fact]
    public async Task OwedAnswerFile_ATornTail_IsCutOff_AndWhatWasWholeIsKept()
    {
        using (var file = OwedAnswerFile.Open(_data.Path))
        {
            await file.Owe("c1", "pos/s/t/decisions", [7], "{\"a\":1}"u8, DateTimeOffset.UnixEpoch).Durable;
            var (second, durable) = file.Owe("c1", "pos/s/t/decisions", null, "{\"a\":2}"u8, DateTimeOffset.UnixEpoch);
            await durable;
            file.Settle(second.Id);
        }

        // A crash in the middle of an append: half an entry at the end.
        File.AppendAllBytes(Path.Combine(_data.Path, OwedAnswerFile.FileName), [40, 0, 0, 0, 1, 2, 3]);
        using var reopened = OwedAnswerFile.Open(_data.Path);

        var owed = Assert.Single(reopened.Outstanding());
        Assert.Equal("c1", owed.ClientId);
        Assert.Equal([7], owed.Correlation);
        Assert.Equal("{\"a\":1}"u8.ToArray(), owed.Payload);
        Assert.Equal(1, reopened.SkippedAtOpen);
        var (third, durable3) = reopened.Owe("c1", "pos/s/t/decisions", null, "{}"u8, DateTimeOffset.UnixEpoch);
        Assert.True(third.Id > 2); // ids are never given twice, across compaction
        await durable3;
        reopened.Dispose();

        // Opened again: both owed answers are still there, the newest included.
        using var again = OwedAnswerFile.Open(_data.Path);
        Assert.Equal([owed.Id, third.Id], again.Outstanding().Select(a => a.Id));
    }

    private int OwedInFolder()
    {
        // Read a copy, so that the broker's own file is not rewritten under it.
        var copy = Path.Combine(_data.Path, "copy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        File.Copy(Path.Combine(_data.Path, "owed", OwedAnswerFile.FileName), Path.Combine(copy, OwedAnswerFile.FileName));
        using var file = OwedAnswerFile.Open(copy);
        return file.Count;
    }

    private Task<TestBroker> StartAsync(Action<Mqtt.MqttOptions>? configure = null) =>
        TestBroker.StartAsync(configure, owedAnswers: () => new EdgeAgent.Hosting.FileOwedAnswers(Path.Combine(_data.Path, "owed")))
            .ContinueWith(t =>
            {
                t.Result.Sink.ByPayment = true;
                return t.Result;
            }, TaskScheduler.Default);

    private static byte[] Subscribe(ushort id, string filter)
    {
        var topic = Encoding.UTF8.GetBytes(filter);
        byte[] body = [(byte)(id >> 8), (byte)id, (byte)(topic.Length >> 8), (byte)topic.Length, .. topic, 1];
        return [0x82, .. RawMqtt.RemainingLength(body.Length), .. body];
    }

    private static byte[] Publish(ushort id, string topicName, byte[] payload)
    {
        var topic = Encoding.UTF8.GetBytes(topicName);
        byte[] body = [(byte)(topic.Length >> 8), (byte)topic.Length, .. topic, (byte)(id >> 8), (byte)id, .. payload];
        return [0x32, .. RawMqtt.RemainingLength(body.Length), .. body];
    }
}
