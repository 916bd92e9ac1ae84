using System.Reflection;

namespace EdgeAgent.IntegrationTests;

/// <summary>Every setting the agent reads is in docs/configuration.md, with its environment variable.</summary>
public sealed class ConfigurationDocsTests
{
    private static string Docs()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", "configuration.md");
            if (File.Exists(path))
            {
                return File.ReadAllText(path);
            }
        }

        throw new FileNotFoundException("docs/configuration.md not found above " + AppContext.BaseDirectory);
    }

    public static IEnumerable<object[]> Settings() =>
        AppDomain.CurrentDomain.GetAssemblies()
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "EdgeAgent*.dll").Select(Assembly.LoadFrom))
            .Where(a => a.GetName().Name!.StartsWith("EdgeAgent", StringComparison.Ordinal) && !a.GetName().Name!.Contains("Tests", StringComparison.Ordinal))
            .Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true })
            .SelectMany(t => t.GetProperties()
                .Where(p => p.SetMethod is { IsPublic: true })
                .Select(p => new object[] { (string)t.GetField("SectionName")!.GetValue(null)! + ":" + p.Name }))
            .DistinctBy(row => (string)row[0]);

    [Theory]
    [MemberData(nameof(Settings))]
    public void Setting_IsDocumentedWithItsEnvironmentVariable(string key)
    {
        var docs = Docs();

        Assert.Contains($"`{key}`", docs, StringComparison.Ordinal);
        Assert.Contains($"`EdgeAgent__{key.Replace(":", "__", StringComparison.Ordinal)}`", docs, StringComparison.Ordinal);
    }
}
