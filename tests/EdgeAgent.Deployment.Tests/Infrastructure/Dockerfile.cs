namespace EdgeAgent.Deployment.Tests.Infrastructure;

/// <summary>Dockerfile.arm64 read into instructions: continuation lines joined, comments dropped, stages named.</summary>
public sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerInstruction> instructions) => Instructions = instructions;

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    /// <summary>Global ARG defaults, the ones declared before the first FROM.</summary>
    public IReadOnlyDictionary<string, string> GlobalArguments =>
        Instructions.TakeWhile(i => i.Keyword != "FROM").Where(i => i.Keyword == "ARG")
            .Select(i => i.Arguments.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);

    /// <summary>FROM instructions, in order.</summary>
    public IReadOnlyList<DockerInstruction> Stages => Instructions.Where(i => i.Keyword == "FROM").ToList();

    /// <summary>The instructions of the last stage, the image that is shipped.</summary>
    public IReadOnlyList<DockerInstruction> FinalStage =>
        Instructions.Skip(Instructions.Select((instruction, index) => (instruction, index)).Last(x => x.instruction.Keyword == "FROM").index).ToList();

    /// <summary>ENV pairs of the final stage (<c>ENV a=b c=d</c>).</summary>
    public IReadOnlyDictionary<string, string> FinalEnvironment =>
        FinalStage.Where(i => i.Keyword == "ENV")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);

    public static Dockerfile Load(string relative = "Dockerfile.arm64")
    {
        var instructions = new List<DockerInstruction>();
        var pending = "";
        foreach (var raw in Repository.Read(relative).Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (pending.Length == 0 && line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].Trim() + " ";
                continue;
            }

            var text = (pending + line.Trim()).Trim();
            pending = "";
            if (text.Length == 0)
            {
                continue;
            }

            var space = text.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0
                ? new DockerInstruction(text.ToUpperInvariant(), "")
                : new DockerInstruction(text[..space].ToUpperInvariant(), text[(space + 1)..].Trim()));
        }

        return new Dockerfile(instructions);
    }
}
