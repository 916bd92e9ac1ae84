using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// MQTTnet keeps a persistent session for ever; this deletes a disconnected one once its expiry has passed (the
/// interval the client was granted, or the maximum for MQTT 3.1.1 sessions, which have none), and the longest
/// disconnected ones beyond the cap on sessions. Each deletion is counted.
/// </summary>
internal sealed class SessionSweeper(BrokerContext context)
{
    public async Task SweepAsync(MqttServer server)
    {
        var limits = context.Limits;
        var sessions = await server.GetSessionsAsync();
        // MQTTnet stamps DisconnectedTimestamp with DateTime.UtcNow; the comparison uses the same clock.
        var now = context.Time.GetUtcNow().UtcDateTime;
        var disconnected = new List<MqttSessionStatus>();
        var live = sessions.Count;
        foreach (var session in sessions)
        {
            if (session.DisconnectedTimestamp is not { } at)
            {
                continue;
            }

            var expiry = session.ExpiryInterval == 0 ? limits.SessionExpiryMax : Math.Min(session.ExpiryInterval, limits.SessionExpiryMax);
            if (at.AddSeconds(expiry) <= now)
            {
                await DeleteAsync(session, "expired");
                live--;
            }
            else
            {
                disconnected.Add(session);
            }
        }

        if (live <= limits.MaxSessions)
        {
            return;
        }

        foreach (var session in disconnected.OrderBy(s => s.DisconnectedTimestamp).Take(live - limits.MaxSessions))
        {
            await DeleteAsync(session, "evicted");
        }
    }

    private async Task DeleteAsync(MqttSessionStatus session, string reason)
    {
        try
        {
            if (session.DisconnectedTimestamp is null)
            {
                return; // its client came back since the list was taken
            }

            await session.DeleteAsync();
            context.Metrics.SessionRemoved(reason);
        }
        catch (Exception)
        {
            // Deleted meanwhile by its own client's clean start: nothing to do.
        }
    }
}
