namespace EdgeAgent.Fuzzing;

/// <summary>
/// A property that must hold for every input did not: thrown so that the fuzzer records the input as a crash, and so that a
/// replaying test fails with the property's name.
/// </summary>
internal sealed class FuzzFinding(string message) : Exception(message)
{
    public static void Require(bool condition, string property)
    {
        if (!condition)
        {
            throw new FuzzFinding(property);
        }
    }
}
