namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Keeps a connection that ends and a new connection with the same client id from overlapping where MQTTnet cannot
/// tell them apart. MQTTnet 5.2 cleans up an ended connection by client id: once its cleanup has found the connection
/// not taken over, it removes whatever connection holds the id and deletes that session, stopping it. A terminal that
/// reconnects right after a clean DISCONNECT could lose its new connection that way. So a new CONNECT for an id whose
/// previous connection is ending waits (bounded) until that cleanup is done, and a connection that starts ending
/// while a new one with its id is being accepted waits until the new one's CONNACK, by when MQTTnet has marked it
/// taken over. Touched once per connection and once per CONNECT, never per message.
/// </summary>
internal sealed class ClientIdHandover(TimeProvider time, TimeSpan longestWait)
{
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <summary>The connection of <paramref name="clientId"/> has received its last packet (a DISCONNECT, the end of the stream, an error).</summary>
    public Task EndingAsync(string clientId, BrokerConnection connection, CancellationToken cancellationToken)
    {
        Task? accepting;
        lock (_slots)
        {
            var slot = SlotOf(clientId);
            if (slot.Connecting is { } newer && newer != connection)
            {
                accepting = slot.ConnectingDone!.Task;
            }
            else
            {
                slot.Ending = connection;
                slot.EndingDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return Task.CompletedTask;
            }
        }

        return WaitAsync(accepting, cancellationToken);
    }

    /// <summary>A CONNECT for <paramref name="clientId"/> is about to be accepted: waits for the cleanup of a connection of that id that is ending.</summary>
    public async Task ConnectingAsync(string clientId, BrokerConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task ending;
            lock (_slots)
            {
                var slot = SlotOf(clientId);
                if (slot.Ending is null || slot.Ending == connection)
                {
                    slot.Connecting = connection;
                    slot.ConnectingDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    return;
                }

                ending = slot.EndingDone!.Task;
            }

            if (!await WaitAsync(ending, cancellationToken))
            {
                lock (_slots)
                {
                    SlotOf(clientId).Ending = null; // a cleanup that never finishes does not keep the client out
                }
            }
        }
    }

    /// <summary>The connection's CONNACK is going out (MQTTnet holds the id for it now), or the connection is gone.</summary>
    public void Connected(string clientId, BrokerConnection connection) => Finish(clientId, connection, ending: false);

    /// <summary>MQTTnet is done with the connection: its session cleanup has run.</summary>
    public void Ended(string clientId, BrokerConnection connection)
    {
        Finish(clientId, connection, ending: false);
        Finish(clientId, connection, ending: true);
    }

    private void Finish(string clientId, BrokerConnection connection, bool ending)
    {
        lock (_slots)
        {
            if (!_slots.TryGetValue(clientId, out var slot))
            {
                return;
            }

            if (ending && slot.Ending == connection)
            {
                slot.Ending = null;
                slot.EndingDone!.TrySetResult();
            }
            else if (!ending && slot.Connecting == connection)
            {
                slot.Connecting = null;
                slot.ConnectingDone!.TrySetResult();
            }

            if (slot.Ending is null && slot.Connecting is null)
            {
                _slots.Remove(clientId);
            }
        }
    }

    private Slot SlotOf(string clientId)
    {
        if (!_slots.TryGetValue(clientId, out var slot))
        {
            slot = new Slot();
            _slots[clientId] = slot;
        }

        return slot;
    }

    /// <summary>True when <paramref name="task"/> completed; false when the wait ran out or was cancelled.</summary>
    private async Task<bool> WaitAsync(Task task, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(longestWait, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private sealed class Slot
    {
        public BrokerConnection? Ending { get; set; }

        public TaskCompletionSource? EndingDone { get; set; }

        public BrokerConnection? Connecting { get; set; }

        public TaskCompletionSource? ConnectingDone { get; set; }
    }
}
