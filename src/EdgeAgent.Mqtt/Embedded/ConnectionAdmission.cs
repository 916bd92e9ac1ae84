using System.Net.Sockets;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Decides on each accepted socket before anything is read from it, so that sockets without credentials can never
/// take the slots authenticated terminals need:
/// <list type="bullet">
/// <item>at most <see cref="BrokerLimits.MaxConnections"/> sockets; when they are all taken, the oldest socket that
/// has not authenticated is closed to make room, and only when every slot is an authenticated client's is the new one
/// refused;</item>
/// <item>sockets that have not authenticated may hold only part of the slots (<see cref="BrokerLimits.MaxPendingConnections"/>);
/// beyond it, again the oldest of them is closed;</item>
/// <item>each has <see cref="BrokerLimits.PreAuthTimeout"/> from its accept to an accepted CONNECT, TLS handshake
/// included;</item>
/// <item>one address (<see cref="AddressGroup"/>) has at most <see cref="BrokerLimits.PendingConnectionsPerAddress"/> of
/// them read at once; the others wait their turn within their deadline, so a store's terminals reconnecting together
/// behind one address are served in order rather than refused.</item>
/// </list>
/// Every socket closed here is counted (<see cref="RefusalReason.PreAuthEvicted"/>, <see cref="RefusalReason.PreAuthTimeout"/>).
/// </summary>
internal sealed class ConnectionAdmission(BrokerContext context)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<PendingConnection> _pending = new();
    private readonly Dictionary<string, AddressTurns> _turns = new(StringComparer.Ordinal);
    private int _open;

    public int Open => Volatile.Read(ref _open);

    /// <summary>Admits <paramref name="socket"/>, or returns null when every slot is an authenticated client's; an admitted one must be <see cref="Release"/>d.</summary>
    public PendingConnection? TryAdmit(Socket socket)
    {
        var limits = context.Limits;
        var admitted = new PendingConnection(this, socket, SafeRemote(socket));
        PendingConnection? evicted = null;
        lock (_lock)
        {
            while (_open >= limits.MaxConnections || _pending.Count >= limits.MaxPendingConnections)
            {
                if (_pending.First is not { } oldest)
                {
                    return null;
                }

                var candidate = oldest.Value;
                Forget(candidate);
                if (candidate.TryCloseByGate())
                {
                    // The oldest unauthenticated socket gives its slot to the new one.
                    candidate.SlotHandedOver = true;
                    evicted = candidate;
                    break;
                }

                // It authenticated a moment ago and was leaving the list anyway: the next oldest, if one is needed.
            }

            if (evicted is null)
            {
                _open++;
            }

            admitted.Node = _pending.AddLast(admitted);
            if (!_turns.TryGetValue(admitted.Group, out var turns))
            {
                _turns[admitted.Group] = turns = new AddressTurns(limits.PendingConnectionsPerAddress);
            }

            turns.Users++;
        }

        if (evicted is not null)
        {
            context.Refusals.Report(RefusalReason.PreAuthEvicted, evicted.Remote);
            Close(evicted);
            try
            {
                evicted.Deadline?.Cancel(); // a socket still waiting for its address's turn stops waiting
            }
            catch (ObjectDisposedException)
            {
                // Released meanwhile.
            }
        }

        admitted.Deadline = new CancellationTokenSource(limits.PreAuthTimeout, context.Time);
        admitted.Deadline.Token.Register(static state => ((PendingConnection)state!).Expire(), admitted);
        return admitted;
    }

    /// <summary>Waits until the socket's address has a turn to be read; false when the socket was closed meanwhile.</summary>
    public async Task<bool> WaitTurnAsync(PendingConnection pending, CancellationToken stopping)
    {
        AddressTurns turns;
        lock (_lock)
        {
            turns = _turns[pending.Group];
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, pending.Deadline!.Token);
        try
        {
            await turns.Gate.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        lock (_lock)
        {
            pending.HoldsTurn = true;
        }

        if (pending.IsClosedByGate)
        {
            return false; // released with the rest in Release
        }

        return true;
    }

    public void Authenticated(PendingConnection pending)
    {
        if (!pending.TryComplete())
        {
            return;
        }

        lock (_lock)
        {
            Forget(pending);
            ReturnTurn(pending);
        }

        pending.Deadline?.Dispose();
    }

    /// <summary>The connection ended, however: its slot and its address's turn are free.</summary>
    public void Release(PendingConnection pending)
    {
        lock (_lock)
        {
            Forget(pending);
            ReturnTurn(pending);
            if (!pending.SlotHandedOver)
            {
                _open--;
            }

            if (_turns.TryGetValue(pending.Group, out var turns) && --turns.Users == 0)
            {
                _turns.Remove(pending.Group);
                turns.Gate.Dispose();
            }
        }

        pending.Deadline?.Dispose();
    }

    /// <summary>The pre-authentication deadline passed: closed unless it authenticated first.</summary>
    internal void Expire(PendingConnection pending)
    {
        if (!pending.TryCloseByGate())
        {
            return;
        }

        lock (_lock)
        {
            Forget(pending);
        }

        context.Refusals.Report(RefusalReason.PreAuthTimeout, pending.Remote);
        Close(pending);
    }

    private static System.Net.EndPoint? SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    private static void Close(PendingConnection pending)
    {
        // Reads and writes of whatever serves it fail at once, and it releases the connection as after any failure.
        pending.Socket.Dispose();
    }

    private void Forget(PendingConnection pending)
    {
        if (pending.Node is { } node)
        {
            _pending.Remove(node);
            pending.Node = null;
        }
    }

    private void ReturnTurn(PendingConnection pending)
    {
        if (pending.HoldsTurn)
        {
            pending.HoldsTurn = false;
            _turns[pending.Group].Gate.Release();
        }
    }

    private sealed class AddressTurns(int turns)
    {
        public SemaphoreSlim Gate { get; } = new(turns, turns);

        public int Users { get; set; }
    }
}
