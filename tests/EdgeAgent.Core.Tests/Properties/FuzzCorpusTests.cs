using EdgeAgent.Fuzzing;

namespace EdgeAgent.Core.Tests.Properties;

/// <summary>
/// Every input of the fuzz corpora goes through the fuzz target's properties on every test run: the seeds, and each input
/// a fuzz run found crashing, once fixed (tests/EdgeAgent.Fuzzing/corpus/regression/payment; docs/fuzzing.md).
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string> Inputs()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "corpus");
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void CorpusInput_KeepsEveryPropertyOfThePaymentTarget(string input)
    {
        var payload = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", input));

        var result = PaymentTarget.Run(payload);

        Assert.True(result.IsValid || result.Errors.Count > 0);
    }
}
