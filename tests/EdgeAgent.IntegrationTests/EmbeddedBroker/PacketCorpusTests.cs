using EdgeAgent.Fuzzing;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>
/// Every input of the packet fuzz corpora is read through the broker's packet guard and MQTTnet's reader on every test run,
/// held to the fuzz target's properties: the seeds, and each input a fuzz run found failing, once fixed
/// (tests/EdgeAgent.Fuzzing/corpus/regression/packet; docs/fuzzing.md).
/// </summary>
public sealed class PacketCorpusTests
{
    public static TheoryData<string> Inputs() => [.. CorpusFiles.Under(Path.Combine(AppContext.BaseDirectory, "corpus"))];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void CorpusInput_IsReadWithinBounds_WithOnlyProtocolErrors(string input)
    {
        var stream = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", input));

        var (_, _, broken) = PacketTarget.Check(stream);

        Assert.Empty(broken);
    }
}
