namespace EdgeAgent.Mqtt.Security;

/// <summary>Who a connected client is, once authenticated.</summary>
/// <param name="Name">The identity's name: a certificate's common name or a user name (for a terminal, <c>{storeId}/{terminalId}</c> by convention).</param>
/// <param name="Role">What it may do.</param>
/// <param name="StoreId">The store a terminal belongs to; null for other roles.</param>
/// <param name="TerminalId">The terminal it is; null for other roles.</param>
public sealed record TerminalIdentity(string Name, TerminalRole Role, string? StoreId = null, string? TerminalId = null)
{
    /// <summary>The identity of every client accepted without credentials.</summary>
    public static TerminalIdentity Local { get; } = new("local", TerminalRole.Local);

    /// <summary>True when this identity is the terminal <paramref name="storeId"/>/<paramref name="terminalId"/>.</summary>
    public bool IsTerminal(string storeId, string terminalId) =>
        Role == TerminalRole.Terminal && string.Equals(StoreId, storeId, StringComparison.Ordinal) && string.Equals(TerminalId, terminalId, StringComparison.Ordinal);

    public override string ToString() => Role == TerminalRole.Terminal ? $"{Name} (terminal {StoreId}/{TerminalId})" : $"{Name} ({Role.ToString().ToLowerInvariant()})";
}
