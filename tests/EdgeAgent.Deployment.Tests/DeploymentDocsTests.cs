using EdgeAgent.Deployment.Tests.Infrastructure;

namespace EdgeAgent.Deployment.Tests;

/// <summary>docs/deployment.md names every variable the manifests set and every placeholder they hold.</summary>
public class DeploymentDocsTests
{
    private const string Docs = "docs/deployment.md";

    [Fact]
    public void EveryVariableTheManifestsSet_IsInTheEnvironmentTable()
    {
        var docs = Repository.Read(Docs);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in IoTEdgeManifest.Names())
        {
            names.UnionWith(IoTEdgeManifest.Environment(IoTEdgeManifest.Load(name).Agent).Keys);
        }

        names.UnionWith(Dockerfile.Load().FinalEnvironment.Keys);
        foreach (var path in Repository.Files("deployment-manifests", "*.y*ml"))
        {
            var text = Repository.Read(path);
            names.UnionWith(System.Text.RegularExpressions.Regex.Matches(text, @"\bEdgeAgent__[A-Za-z0-9_]+").Select(m => m.Value));
        }

        var missing = names.Where(name => !docs.Contains("`" + name + "`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "not in " + Docs + ": " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryPlaceholder_IsExplained()
    {
        var docs = Repository.Read(Docs);
        Assert.All(Placeholder.Known, placeholder => Assert.Contains("${" + placeholder + "}", docs, StringComparison.Ordinal));
    }
}
