namespace EdgeAgent.Fuzzing;

/// <summary>
/// A property that must hold for every input did not: thrown so that the fuzzer records the input as a crash. The corpus
/// replay tests read the broken properties themselves (the targets' <c>Check</c>) and assert that there are none.
/// </summary>
internal sealed class FuzzFinding(string message) : Exception(message)
{
    /// <summary>Records <paramref name="property"/> in <paramref name="broken"/> when <paramref name="condition"/> does not hold.</summary>
    public static void Require(List<string> broken, bool condition, string property)
    {
        if (!condition)
        {
            broken.Add(property);
        }
    }

    public static void ThrowIfAny(IReadOnlyList<string> broken)
    {
        if (broken.Count > 0)
        {
            throw new FuzzFinding(string.Join("; ", broken));
        }
    }
}
