using System.Diagnostics;
using System.Threading.Channels;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The benchmark baseline: the same ingest, queue, answer and acknowledgement as the scoring pipeline, and
/// nothing else (no parsing, features, model or store). The difference between the two is what the pipeline
/// costs over the transport.
/// </summary>
public sealed class EchoPipeline : IInboundSink
{
    private static readonly byte[] EchoAnswer = """{"status":"echo"}"""u8.ToArray();

    private readonly Channel<InboundMessage> _ingest;
    private readonly IAnswerPublisher _publisher;
    private readonly PipelineOptions _options;
    private readonly PipelineMetrics _metrics;
    private readonly List<InboundMessage> _batch = [];
    private readonly List<Task> _publishes = [];

    public EchoPipeline(IAnswerPublisher publisher, PipelineOptions options, PipelineMetrics metrics)
    {
        _publisher = publisher;
        _options = options;
        _metrics = metrics;
        _ingest = Channel.CreateBounded<InboundMessage>(new BoundedChannelOptions(options.IngestCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ValueTask EnqueueAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        _metrics.CountReceived();
        return _ingest.Writer.WriteAsync(message, cancellationToken);
    }

    public void CompleteInput() => _ingest.Writer.TryComplete();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await _ingest.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_batch.Count < _options.MaxCommitBatch && _ingest.Reader.TryRead(out var message))
            {
                _batch.Add(message);
            }

            foreach (var message in _batch)
            {
                if (!string.IsNullOrEmpty(message.ResponseTopic))
                {
                    _publishes.Add(_publisher.PublishAsync(message.ResponseTopic, message.CorrelationData, EchoAnswer, cancellationToken));
                }
            }

            foreach (var message in _batch)
            {
                await message.Settlement.AcknowledgeAsync(cancellationToken);
            }

            _metrics.CountAcknowledged(_batch.Count);
            var failed = 0;
            foreach (var publish in _publishes)
            {
                try
                {
                    await publish;
                }
                catch (Exception)
                {
                    failed++;
                }
            }

            var answered = Stopwatch.GetTimestamp();
            foreach (var message in _batch)
            {
                _metrics.Stage(PipelineStage.Total).RecordTicks(message.ReceivedTimestamp, answered);
            }

            _metrics.CountAnswers(_publishes.Count - failed, failed);
            _publishes.Clear();
            _batch.Clear();
        }
    }
}
