namespace EdgeAgent.Core.Features;

/// <summary>
/// FNV-1a over UTF-16 code units. <see cref="string.GetHashCode()"/> is randomized per process, so it cannot
/// key state that is persisted, replayed or shared between training and the agent.
/// </summary>
public static class StableHash
{
    public static int Of(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return unchecked((int)hash);
    }

    /// <summary>64-bit FNV-1a, for index keys that stand in for long strings.</summary>
    public static long Of64(string value)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }
}
