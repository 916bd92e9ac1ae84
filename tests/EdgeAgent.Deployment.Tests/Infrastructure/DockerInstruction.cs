namespace EdgeAgent.Deployment.Tests.Infrastructure;

/// <summary>One Dockerfile instruction: its keyword (upper case) and the rest of its line(s).</summary>
public sealed record DockerInstruction(string Keyword, string Arguments);
