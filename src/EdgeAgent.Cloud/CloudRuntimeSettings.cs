namespace EdgeAgent.Cloud;

/// <summary>
/// The settings the device twin may change while the agent runs, starting from configuration. Read by the loops
/// on every pass, so a change applies from the next one.
/// </summary>
public sealed class CloudRuntimeSettings(CloudOptions options)
{
    private volatile Values _values = new(
        TimeSpan.FromSeconds(options.MetricsIntervalSeconds), options.BufferMaxBytes, TimeSpan.FromHours(options.BufferMaxAgeHours), options.BufferFullPolicy);

    /// <summary>Raised after a change, so that waiting loops re-read the settings.</summary>
    public event Action? Changed;

    public TimeSpan MetricsInterval => _values.MetricsInterval;

    public long BufferMaxBytes => _values.BufferMaxBytes;

    public TimeSpan BufferMaxAge => _values.BufferMaxAge;

    public BufferFullPolicy FullPolicy => _values.FullPolicy;

    public void Update(TimeSpan metricsInterval, long bufferMaxBytes, TimeSpan bufferMaxAge, BufferFullPolicy policy)
    {
        var next = new Values(metricsInterval, bufferMaxBytes, bufferMaxAge, policy);
        if (next != _values)
        {
            _values = next;
            Changed?.Invoke();
        }
    }

    private sealed record Values(TimeSpan MetricsInterval, long BufferMaxBytes, TimeSpan BufferMaxAge, BufferFullPolicy FullPolicy);
}
