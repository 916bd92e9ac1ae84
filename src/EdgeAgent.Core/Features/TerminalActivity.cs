namespace EdgeAgent.Core.Features;

/// <summary>What the agent remembers of one terminal: payments per minute over the last hour and per hour over the last day.</summary>
public sealed class TerminalActivity
{
    private const long MinuteMs = 60_000;
    private const long HourMs = 3_600_000;

    private readonly BucketedWindow _lastHour;
    private readonly BucketedWindow _lastDay;

    public TerminalActivity()
    {
        _lastHour = new BucketedWindow(MinuteMs, 60);
        _lastDay = new BucketedWindow(HourMs, 24);
    }

    private TerminalActivity(BucketedWindow lastHour, BucketedWindow lastDay)
    {
        _lastHour = lastHour;
        _lastDay = lastDay;
    }

    public void Add(long unixMs, double amount)
    {
        _lastHour.Add(unixMs, amount);
        _lastDay.Add(unixMs, amount);
    }

    public (int Count, double Sum) LastHour(long unixMs) => _lastHour.Query(unixMs);

    public (int Count, double Sum) LastDay(long unixMs) => _lastDay.Query(unixMs);

    public TerminalActivitySnapshot ToSnapshot(string terminalKey) =>
        new(terminalKey, _lastHour.ToSnapshot(), _lastDay.ToSnapshot());

    public static TerminalActivity FromSnapshot(TerminalActivitySnapshot snapshot) =>
        new(BucketedWindow.FromSnapshot(MinuteMs, snapshot.LastHour), BucketedWindow.FromSnapshot(HourMs, snapshot.LastDay));
}
