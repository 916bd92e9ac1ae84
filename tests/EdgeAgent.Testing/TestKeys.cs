namespace EdgeAgent.Testing;

public static class TestKeys
{
    /// <summary>A fixed tokenization key so tests can compute the tokens the agent will produce.</summary>
    public static readonly byte[] TokenizationKeyBytes = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();

    public static string TokenizationKey => Convert.ToBase64String(TokenizationKeyBytes);
}
