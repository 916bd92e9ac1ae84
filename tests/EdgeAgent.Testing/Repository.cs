namespace EdgeAgent.Testing;

/// <summary>
/// Files of the repository the tests read (the dashboard, the Prometheus configuration, the manifests and docs), found
/// from the test's output folder upwards.
/// </summary>
public static class Repository
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    /// <summary>The full path of <paramref name="relative"/>, written with <c>/</c> as in the docs.</summary>
    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    public static bool Exists(string relative) => File.Exists(PathOf(relative)) || Directory.Exists(PathOf(relative));

    /// <summary>Repository-relative paths of the files under <paramref name="folder"/> that match <paramref name="pattern"/>.</summary>
    public static IReadOnlyList<string> Files(string folder, string pattern) =>
        Directory.GetFiles(PathOf(folder), pattern, SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The agent's version, from src/EdgeAgent/EdgeAgent.csproj.</summary>
    public static string AgentVersion()
    {
        var project = System.Xml.Linq.XDocument.Parse(Read("src/EdgeAgent/EdgeAgent.csproj"));
        return project.Descendants("Version").Single().Value.Trim();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeAgent.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("EdgeAgent.sln not found above " + AppContext.BaseDirectory);
    }
}
