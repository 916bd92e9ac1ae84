namespace EdgeAgent.Core.Pipeline;

/// <summary>Where a transport hands the messages it receives: the scoring pipeline, or the bare echo used as a benchmark baseline.</summary>
public interface IInboundSink
{
    /// <summary>Takes a message; waits while the sink is full, which is how back-pressure reaches the broker.</summary>
    ValueTask EnqueueAsync(InboundMessage message, CancellationToken cancellationToken);
}
