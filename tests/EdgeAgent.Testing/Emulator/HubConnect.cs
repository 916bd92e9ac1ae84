namespace EdgeAgent.Testing.Emulator;

/// <summary>A CONNECT the hub saw, accepted or refused with a reason; <see cref="TokenExpiry"/> is the SAS token's <c>se</c>.</summary>
public sealed record HubConnect(string ClientId, string? Username, string? Password, bool Accepted, string? Reason, long TokenExpiry);
