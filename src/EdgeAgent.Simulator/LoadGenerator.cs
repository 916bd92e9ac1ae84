using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Simulator;

/// <summary>
/// Replays the sample as terminals over MQTT and measures each payment from its intended send time to its
/// answer. In open loop a payment's send time is fixed by the schedule, not by when the previous one was
/// answered, so a slow agent shows up as latency instead of silently lowering the load (no coordinated
/// omission).
/// </summary>
public sealed class LoadGenerator
{
    private readonly LoadOptions _options;
    private readonly PaymentSample _sample;
    private readonly int _warmup;
    private readonly TextWriter? _progress;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private readonly LatencyHistogram _latency = new();
    private readonly ConcurrentDictionary<string, long> _decisions = new(StringComparer.Ordinal);
    private long[] _intended = [];
    private int[] _answered = [];
    private SemaphoreSlim?[] _waiters = [];
    private long _answeredCount;
    private long _rejected;
    private long _fraudCaught;
    private long _publishFailures;
    private long _lastAnswerTimestamp;
    private PaymentTrace _trace = PaymentTrace.Empty;

    public LoadGenerator(LoadOptions options, PaymentSample sample, TextWriter? progress)
    {
        _options = options;
        _sample = sample;
        _progress = progress;
        _warmup = options.Warmup + (options.MeasureFrom is { } from
            ? sample.Records.TakeWhile(r => DateTimeOffset.FromUnixTimeSeconds(r.UnixTime) < from).Count()
            : 0);
    }

    /// <summary>Every payment of the last run, warm-up included.</summary>
    public PaymentTrace Trace => _trace;

    /// <summary>
    /// The sample's key of payment <paramref name="sequence"/>: store and transaction id (ids are unique per store only), with
    /// the replay cycle when the sample was replayed.
    /// </summary>
    public string SampleTransactionId(int sequence)
    {
        var (record, cycle, _) = Replayed(sequence);
        var id = string.Concat(Sparkov.SparkovMapping.StoreId(record.Merchant), "/", record.TransactionNumber);
        return cycle == 0 ? id : string.Create(CultureInfo.InvariantCulture, $"{id}-c{cycle}");
    }

    /// <summary>The sample's payment that payment <paramref name="i"/> of this run replays (<see cref="LoadOptions.Offset"/> on), which replay of the sample it is in, and when it pays.</summary>
    private (Sparkov.SparkovRecord Record, int Cycle, DateTimeOffset Time) Replayed(int i) => _sample.Replay((long)_options.Offset + i);

    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken)
    {
        var measured = _options.Count > 0 ? _options.Count : _sample.Records.Count - (_warmup - _options.Warmup);
        var total = _warmup + measured;
        _intended = new long[total];
        _answered = new int[total];
        _waiters = new SemaphoreSlim?[total];
        _trace = new PaymentTrace(total);

        var terminals = new SimulatedTerminal[_options.Terminals];
        for (var i = 0; i < terminals.Length; i++)
        {
            terminals[i] = new SimulatedTerminal(_options.TopicRoot, $"sim-{_runId}-{i}", OnAnswer);
        }

        // All at once: behind a slow link each connection costs round trips, which need not add up.
        await Task.WhenAll(terminals.Select((terminal, i) => terminal.ConnectAsync(_options, $"sim-{_runId}-{i}", cancellationToken)));

        try
        {
            using var progress = new CancellationTokenSource();
            var reporter = _progress is not null && _options.ProgressSeconds > 0 ? ReportProgressAsync(progress.Token) : Task.CompletedTask;
            var started = Stopwatch.GetTimestamp();
            if (_options.Mode == LoadMode.Open)
            {
                await SendOpenLoopAsync(terminals, total, cancellationToken);
            }
            else
            {
                await SendClosedLoopAsync(terminals, total, cancellationToken);
            }

            await WaitForAnswersAsync(total, cancellationToken);
            await progress.CancelAsync();
            await reporter;
            return Report(measured, total, started);
        }
        finally
        {
            foreach (var terminal in terminals)
            {
                await terminal.DisposeAsync();
            }
        }
    }

    private async Task SendOpenLoopAsync(SimulatedTerminal[] terminals, int total, CancellationToken cancellationToken)
    {
        var interval = Stopwatch.Frequency / _options.Rate;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * interval);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1.5))
            {
                await Task.Delay(wait - TimeSpan.FromMilliseconds(1), cancellationToken);
            }

            // Spin to the exact send time, yielding the core to the agent and the broker while doing so
            // (they share this machine in a benchmark); never sleeping, which would add a timer tick.
            var spinner = default(SpinWait);
            while (Stopwatch.GetTimestamp() < due)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            _intended[i] = due;
            _trace.Intended(i, due);
            _ = Send(terminals[i % terminals.Length], i, cancellationToken);
        }
    }

    private async Task SendClosedLoopAsync(SimulatedTerminal[] terminals, int total, CancellationToken cancellationToken)
    {
        var next = -1;
        var timeout = TimeSpan.FromSeconds(_options.AnswerTimeoutSeconds);
        var workers = Enumerable.Range(0, _options.Concurrency).Select(worker => Task.Run(async () =>
        {
            using var answered = new SemaphoreSlim(0);
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                _waiters[i] = answered;
                _intended[i] = Stopwatch.GetTimestamp();
                _trace.Intended(i, _intended[i]);
                var publish = Send(terminals[worker % terminals.Length], i, cancellationToken);
                await answered.WaitAsync(timeout, cancellationToken);
                if (_options.WaitForPubAck)
                {
                    // A till's terminal: the next payment only once the previous one is answered and acknowledged, so that
                    // its connection never has more than one payment unacknowledged.
                    try
                    {
                        await publish.WaitAsync(timeout, cancellationToken);
                    }
                    catch (TimeoutException)
                    {
                        // Never acknowledged within the answer timeout: the payment counts as it is, the terminal goes on.
                    }
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
    }

    /// <summary>Publishes payment <paramref name="i"/>; the task completes with its PUBACK (a failure is counted, never thrown).</summary>
    private Task Send(SimulatedTerminal terminal, int i, CancellationToken cancellationToken)
    {
        var (record, _, time) = Replayed(i);
        var transactionId = _options.FreshIds
            // Letters between the parts: digits joined by dashes could add up to a run the agent takes for a card number.
            ? string.Create(CultureInfo.InvariantCulture, $"{record.TransactionNumber}-r{_runId}n{i}")
            : record.TransactionNumber;

        // Each replay of the sample comes after the one before it, whole days later (the span the sample covers), with the
        // same cards at the same times of day: a card's history runs on as it would in a store, at the sample's own pace.
        var at = _options.StampNow
            ? DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds())
            : time;
        Task publish;
        try
        {
            publish = terminal.PublishAsync(PaymentSample.Topic(record, _options.TopicRoot), PaymentSample.Payload(record, transactionId, at: at), i, cancellationToken);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // The connection is gone (the agent's embedded broker stopped): the payment counts as unanswered.
            Interlocked.Increment(ref _publishFailures);
            return Task.CompletedTask;
        }

        return publish.ContinueWith(
            static (t, state) =>
            {
                if (t.IsFaulted)
                {
                    Interlocked.Increment(ref ((LoadGenerator)state!)._publishFailures);
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnAnswer(long sequence, ReadOnlySequence<byte> payload)
    {
        var now = Stopwatch.GetTimestamp();
        if ((ulong)sequence >= (ulong)_answered.Length || Interlocked.Exchange(ref _answered[sequence], 1) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _lastAnswerTimestamp, now);
        Interlocked.Increment(ref _answeredCount);
        var answer = AnswerSummary.Read(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
        _trace.Answer(sequence, now, answer.Score);
        _waiters[sequence]?.Release();
        if (sequence < _warmup)
        {
            return;
        }

        _latency.RecordTicks(_intended[sequence], now);
        if (answer.Status == "rejected")
        {
            Interlocked.Increment(ref _rejected);
        }
        else if (answer.Decision is { } decision)
        {
            _decisions.AddOrUpdate(decision, 1, static (_, n) => n + 1);
            var (record, _, _) = Replayed((int)sequence);
            if (record.IsFraud && decision is "review" or "decline")
            {
                Interlocked.Increment(ref _fraudCaught);
            }
        }
    }

    private async Task WaitForAnswersAsync(int total, CancellationToken cancellationToken)
    {
        var timeout = (long)(_options.AnswerTimeoutSeconds * Stopwatch.Frequency);
        var deadline = Stopwatch.GetTimestamp() + timeout;
        var answered = Interlocked.Read(ref _answeredCount);
        while (answered < total && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(5, cancellationToken);
            var now = Interlocked.Read(ref _answeredCount);
            if (now > answered && _options.WaitWhileAnswering)
            {
                deadline = Stopwatch.GetTimestamp() + timeout;
            }

            answered = now;
        }
    }

    private async Task ReportProgressAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromSeconds(_options.ProgressSeconds);
        var previous = _latency.Snapshot();
        var previousCount = 0L;
        var clock = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                await Task.Delay(period, cancellationToken);
                var now = _latency.Snapshot();
                var interval = now.Since(previous);
                var count = Interlocked.Read(ref _answeredCount);
                var rate = (count - previousCount) / period.TotalSeconds;
                _progress!.WriteLine(count <= _warmup
                    ? string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,5:0}s] {rate,7:0}/s  history: {count} of {_warmup} payments (not counted)")
                    : string.Create(CultureInfo.InvariantCulture,
                        $"[{clock.Elapsed.TotalSeconds,5:0}s] {rate,7:0}/s  p50 {interval.Percentile(0.5) / 1000,7:0.###} ms  p99 {interval.Percentile(0.99) / 1000,7:0.###} ms  approve {_decisions.GetValueOrDefault("approve")}  review {_decisions.GetValueOrDefault("review")}  decline {_decisions.GetValueOrDefault("decline")}  rejected {Interlocked.Read(ref _rejected)}"));
                (previous, previousCount) = (now, count);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private LoadReport Report(int measured, int total, long started)
    {
        var firstMeasured = _warmup < total ? _intended[_warmup] : started;
        var last = Interlocked.Read(ref _lastAnswerTimestamp);
        var answered = 0L;
        var fraud = 0L;
        for (var i = _warmup; i < total; i++)
        {
            answered += _answered[i];
            if (Replayed(i).Record.IsFraud)
            {
                fraud++;
            }
        }

        return new LoadReport
        {
            Mode = _options.Mode,
            Target = $"{_options.Host}:{_options.Port}, {_options.Terminals} terminal connections",
            Load = _options.Mode == LoadMode.Open ? _options.Rate : _options.Concurrency,
            Sent = measured,
            Answered = answered,
            Lost = measured - answered,
            PublishFailures = Interlocked.Read(ref _publishFailures),
            Seconds = last > firstMeasured ? Stopwatch.GetElapsedTime(firstMeasured, last).TotalSeconds : 0,
            Latency = _latency.Snapshot(),
            Decisions = new Dictionary<string, long>(_decisions),
            Rejected = Interlocked.Read(ref _rejected),
            LabelledFraud = fraud,
            FraudCaught = Interlocked.Read(ref _fraudCaught),
        };
    }
}
