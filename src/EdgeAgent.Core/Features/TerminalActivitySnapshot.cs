namespace EdgeAgent.Core.Features;

/// <summary>The persisted form of a <see cref="TerminalActivity"/>; the key is <c>{storeId}/{terminalId}</c>.</summary>
public sealed record TerminalActivitySnapshot(string TerminalKey, WindowSnapshot LastHour, WindowSnapshot LastDay);
