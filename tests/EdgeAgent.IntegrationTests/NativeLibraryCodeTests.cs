using EdgeAgent.IntegrationTests.Infrastructure;
using EdgeAgent.Onnx;

namespace EdgeAgent.IntegrationTests;

[Collection(ProcessMemoryCollection.Name)]
public sealed class NativeLibraryCodeTests
{
    [Fact]
    public void OnnxRuntimesCode_LeavesTheResidentSet_AndScoringReadsBackWhatItRuns()
    {
        // The agent and its images run on Linux, where /proc/self/smaps says what is resident.
        Assert.True(OperatingSystem.IsLinux(), "the agent's images are Linux");
        var options = new InferenceOptions { Provider = ExecutionProvider.Cpu, MaxBatchSize = 8 };
        using var scorer = ModelLoader.Load(ModelLoader.ResolveModelsPath("models"), "fraud-gbt-1.0.0", options);
        var input = scorer.InputRows(1);
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (i % 7) * 0.5f;
        }

        var before = new float[1];
        scorer.Score(1, before);

        // Building a session runs code that scoring does not: a second one brings it back into the resident set.
        using var second = SessionFactory.Create(Path.Combine(ModelLoader.ResolveModelsPath("models"), "fraud-gbt-1.0.0.onnx"), options).Session;
        var resident = NativeLibraryCode.ResidentKb(ModelLoader.OnnxRuntimeLibrary);
        var released = NativeLibraryCode.ReleaseResident(ModelLoader.OnnxRuntimeLibrary);
        var after = NativeLibraryCode.ResidentKb(ModelLoader.OnnxRuntimeLibrary);

        Assert.True(released >= 1024, $"{released} kB released of {resident} kB resident");
        Assert.True(after < resident, $"resident went from {resident} kB to {after} kB");

        var afterRelease = new float[1];
        scorer.Score(1, afterRelease);
        Assert.Equal(before[0], afterRelease[0]);
        Assert.True(NativeLibraryCode.ResidentKb(ModelLoader.OnnxRuntimeLibrary) > after, "scoring ran without reading any of the library's code back");
    }
}
