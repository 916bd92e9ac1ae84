namespace EdgeAgent.Fuzzing;

/// <summary>The inputs of a corpus folder, as paths relative to it and in order: what the corpus replay tests take as cases.</summary>
public static class CorpusFiles
{
    public static IEnumerable<string> Under(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(file => Path.GetRelativePath(root, file));
}
