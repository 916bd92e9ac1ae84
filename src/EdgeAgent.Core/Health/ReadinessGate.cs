using System.Collections.Concurrent;

namespace EdgeAgent.Core.Health;

/// <summary>The host's <see cref="IReadinessGate"/>: one per agent, thread-safe, no I/O.</summary>
public sealed class ReadinessGate : IReadinessGate
{
    private readonly ConcurrentDictionary<string, string> _problems = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Problems => new SortedDictionary<string, string>(_problems, StringComparer.Ordinal);

    /// <inheritdoc/>
    public void NotReady(string component, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(component);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        _problems[component] = reason;
    }

    /// <inheritdoc/>
    public void Ready(string component)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(component);
        _problems.TryRemove(component, out _);
    }
}
