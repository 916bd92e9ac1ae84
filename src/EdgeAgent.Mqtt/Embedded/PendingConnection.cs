using System.Net;
using System.Net.Sockets;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// An accepted socket from its accept until its CONNECT is accepted (<see cref="Authenticated"/>) or it closes: the
/// state <see cref="ConnectionAdmission"/> keeps to bound such sockets in number, per address and in time.
/// </summary>
internal sealed class PendingConnection
{
    private const int Waiting = 0;
    private const int Done = 1;
    private const int ClosedByGate = 2;
    private readonly ConnectionAdmission _admission;
    private int _state;

    public PendingConnection(ConnectionAdmission admission, Socket socket, EndPoint? remote)
    {
        _admission = admission;
        Socket = socket;
        Remote = remote;
        Group = AddressGroup.Of(remote);
    }

    public Socket Socket { get; }

    public EndPoint? Remote { get; }

    public string Group { get; }

    /// <summary>Its place in the admission's list of unauthenticated sockets, oldest first; null once out of it.</summary>
    public LinkedListNode<PendingConnection>? Node { get; set; }

    /// <summary>Fires at the pre-authentication deadline.</summary>
    public CancellationTokenSource? Deadline { get; set; }

    /// <summary>True while it holds one of its address's turns to be read before authentication.</summary>
    public bool HoldsTurn { get; set; }

    /// <summary>True when another socket took over its slot (it was closed to make room): releasing it frees nothing.</summary>
    public bool SlotHandedOver { get; set; }

    /// <summary>True when the admission closed it (deadline or eviction): that refusal is counted, no other is.</summary>
    public bool IsClosedByGate => Volatile.Read(ref _state) == ClosedByGate;

    /// <summary>The pre-authentication deadline passed.</summary>
    public void Expire() => _admission.Expire(this);

    /// <summary>The CONNECT was accepted: from now on the connection is an authenticated client's.</summary>
    public void Authenticated() => _admission.Authenticated(this);

    /// <summary>Marks it authenticated; false when the gate closed it first.</summary>
    public bool TryComplete() => Interlocked.CompareExchange(ref _state, Done, Waiting) == Waiting;

    /// <summary>Marks it closed by the gate; false when it was authenticated (or closed) first.</summary>
    public bool TryCloseByGate() => Interlocked.CompareExchange(ref _state, ClosedByGate, Waiting) == Waiting;
}
