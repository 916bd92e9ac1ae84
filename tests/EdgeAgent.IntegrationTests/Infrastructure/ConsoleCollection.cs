namespace EdgeAgent.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that swap the process's <see cref="Console.Error"/> to read what the host writes there: run alone, after the
/// parallel classes, so that no other test's output lands in the swapped writer and none of theirs is lost.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
