namespace EdgeAgent.IntegrationTests.Infrastructure;

/// <summary>Files of the repository the tests read (the dashboard, the Prometheus configuration).</summary>
internal static class Repository
{
    public static string Root
    {
        get
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

    public static string PathOf(string relative) => Path.Combine(Root, relative);
}
