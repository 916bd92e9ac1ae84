using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Core.Tests.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Core.Tests.Pipeline;

/// <summary>
/// A commit held in the store (the device's flush stalling): the answers go on while nothing is acknowledged, until the
/// payments answered and not yet recorded reach <see cref="PipelineOptions.RecordBacklog"/>; then scoring waits and what
/// arrives stays unscored; once the commit goes through, everything is recorded and acknowledged.
/// </summary>
public sealed class RecordBacklogTests
{
    private const int Backlog = 4;
    private readonly List<string> _events = [];
    private readonly MemoryStore _store;
    private readonly RecordingPublisher _publisher;
    private readonly PipelineMetrics _metrics = new();
    private readonly PipelineCounts _counts;

    public RecordBacklogTests()
    {
        _counts = new PipelineCounts(_metrics.Meter);
        _store = new MemoryStore(_events);
        _publisher = new RecordingPublisher(_events);
    }

    [Fact]
    public async Task HeldCommit_AnswersFlowUpToTheBound_ThenScoringWaits_AndEverythingIsAcknowledgedOnceItGoesThrough()
    {
        using var pipeline = new ScoringPipeline(new PipelineParts
        {
            Parser = TestPayments.Parser(),
            Scorers = new SingleScorer(new AmountScorer()),
            Store = _store,
            Publisher = _publisher,
            Options = new PipelineOptions { RecordBacklog = Backlog, MaxBatchSize = 1, CommitDelayMilliseconds = 0 },
            Validation = new Core.Payments.ValidationOptions(),
            Decisions = new DecisionPolicy(new DecisionOptions()),
            Metrics = _metrics,
            Time = TimeProvider.System,
            Logger = NullLogger.Instance,
        }, NullLoggerFactory.Instance);
        pipeline.Restore();
        _store.Device.Reset();
        var run = pipeline.RunAsync(CancellationToken.None);
        var messages = Enumerable.Range(0, Backlog + 2)
            .Select(i => Messages.Create(_events, TestPayments.Json(transactionId: $"tx-{i}", amount: "10"), $"tx-{i}")).ToList();

        // Within the bound: each payment is scored and answered on the thread that hands it in, none acknowledged.
        for (var i = 0; i < Backlog; i++)
        {
            await pipeline.EnqueueAsync(messages[i], CancellationToken.None);
            Assert.Equal(i + 1, _publisher.Published.Count);
        }

        Assert.Equal(0, _counts.Acknowledged);
        Assert.Equal(Backlog, pipeline.UnrecordedPayments);
        Assert.Equal(0, _counts.RecordWaits);

        // At the bound: the next payment is answered, then the scoring loop waits to hand it over.
        var waiting = pipeline.EnqueueAsync(messages[Backlog], CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(Backlog + 1, _publisher.Published.Count);
        Assert.Equal(1, _counts.RecordWaits);

        // Intake pauses: what arrives now is queued, not scored or answered.
        await pipeline.EnqueueAsync(messages[Backlog + 1], CancellationToken.None);
        Assert.Equal(1, pipeline.QueuedMessages);
        Assert.Equal(Backlog + 1, _publisher.Published.Count);
        Assert.Equal(0, _counts.Acknowledged);

        _store.Device.Set();
        await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Backlog + 2, _publisher.Published.Count);
        Assert.Equal(Backlog + 2, _counts.Acknowledged);
        Assert.Equal(0, pipeline.UnrecordedPayments);
        Assert.All(messages, m => Assert.True(((TestSettlement)m.Settlement).Acknowledged));
        Assert.Equal(Backlog + 2, _store.Scored.Count);
    }
}
