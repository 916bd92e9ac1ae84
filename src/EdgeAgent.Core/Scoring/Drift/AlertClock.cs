namespace EdgeAgent.Core.Scoring.Drift;

/// <summary>Payments and alerts per minute over the last 60 minutes, by the agent's clock.</summary>
internal sealed class AlertClock
{
    private const int Minutes = 60;

    private readonly long[] _minute = new long[Minutes];
    private readonly long[] _payments = new long[Minutes];
    private readonly long[] _alerts = new long[Minutes];

    public AlertClock()
    {
        Array.Fill(_minute, long.MinValue);
    }

    public void Add(long unixMinute, bool alerted)
    {
        var slot = (int)(((unixMinute % Minutes) + Minutes) % Minutes);
        if (_minute[slot] != unixMinute)
        {
            (_minute[slot], _payments[slot], _alerts[slot]) = (unixMinute, 0, 0);
        }

        _payments[slot]++;
        _alerts[slot] += alerted ? 1 : 0;
    }

    public (long Payments, long Alerts) LastHour(long unixMinute)
    {
        long payments = 0, alerts = 0;
        for (var i = 0; i < Minutes; i++)
        {
            if (_minute[i] > unixMinute - Minutes && _minute[i] <= unixMinute)
            {
                payments += _payments[i];
                alerts += _alerts[i];
            }
        }

        return (payments, alerts);
    }
}
