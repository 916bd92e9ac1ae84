using System.Text.RegularExpressions;
using EdgeAgent.Deployment.Tests.Infrastructure;

namespace EdgeAgent.Deployment.Tests;

public class DockerfileTests
{
    private readonly Dockerfile _dockerfile = Dockerfile.Load();

    [Fact]
    public void BuildStage_RunsOnTheBuildPlatform_AndPublishesWithTheSharedScript()
    {
        var build = _dockerfile.Stages[0];
        Assert.Contains("--platform=$BUILDPLATFORM", build.Arguments, StringComparison.Ordinal);
        Assert.EndsWith("AS build", build.Arguments, StringComparison.Ordinal);

        var publish = _dockerfile.Instructions.Single(i => i.Keyword == "RUN" && i.Arguments.Contains("publish-agent.sh", StringComparison.Ordinal));
        Assert.Contains("scripts/publish-agent.sh --arch \"$TARGETARCH\" --variant \"$VARIANT\" --out /out", publish.Arguments, StringComparison.Ordinal);
        Assert.True(Repository.Exists("scripts/publish-agent.sh"));
        Assert.Contains("RestoreLockedMode=true", Repository.Read("scripts/publish-agent.sh"), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryVariant_HasARuntimeStage_AndTheFinalStagePicksOne()
    {
        var stages = _dockerfile.Stages.Select(s => s.Arguments.Split(' ')[^1]).ToList();
        foreach (var variant in Image.Variants)
        {
            Assert.Contains("runtime-" + variant, stages);
            Assert.Contains(variant + "/", Repository.Read("scripts/publish-agent.sh"), StringComparison.Ordinal);
        }

        Assert.Equal("runtime-${VARIANT}", _dockerfile.Stages[^1].Arguments);
        Assert.Equal("cpu", _dockerfile.GlobalArguments["VARIANT"]);
    }

    [Fact]
    public void RuntimeStages_DoNotRunOnTheBuildPlatform()
    {
        // Build stages run on the build machine and cross-publish; everything else is the target's.
        Assert.All(_dockerfile.Stages.Where(s => !s.Arguments.EndsWith("build", StringComparison.Ordinal)),
            stage => Assert.DoesNotContain("BUILDPLATFORM", stage.Arguments, StringComparison.Ordinal));
    }

    [Fact]
    public void AgentVersion_IsTheProjectVersion()
    {
        Assert.Equal(Repository.AgentVersion(), _dockerfile.GlobalArguments["AGENT_VERSION"]);
        Assert.Contains(_dockerfile.FinalStage, i => i.Keyword == "LABEL" && i.Arguments.Contains("org.opencontainers.image.version=\"${AGENT_VERSION}\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Environment_HoldsOnlySettingsTheAgentReads()
    {
        var variables = _dockerfile.Instructions.Where(i => i.Keyword == "ENV")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .Select(parts => KeyValuePair.Create(parts[0], parts[1]));

        Assert.Empty(ContainerEnvironment.Problems(variables));
    }

    [Fact]
    public void Container_ListensEverywhere_AndKeepsItsStateInTheVolumes()
    {
        var environment = _dockerfile.FinalEnvironment;
        Assert.Equal("0.0.0.0", environment["EdgeAgent__Mqtt__BindAddress"]);
        Assert.StartsWith("http://0.0.0.0:", environment["EdgeAgent__Http__Urls"], StringComparison.Ordinal);
        Assert.Equal("/data", environment["EdgeAgent__Storage__Path"]);
        Assert.Equal("/models", environment["EdgeAgent__Inference__ModelsPath"]);

        var volumes = _dockerfile.FinalStage.Single(i => i.Keyword == "VOLUME").Arguments;
        Assert.Contains("\"/data\"", volumes, StringComparison.Ordinal);
        Assert.Contains("\"/models\"", volumes, StringComparison.Ordinal);
    }

    [Fact]
    public void Container_ExposesTheBrokerAndHttpPorts()
    {
        var exposed = _dockerfile.FinalStage.Single(i => i.Keyword == "EXPOSE").Arguments.Split(' ');
        Assert.Contains("8883", exposed);
        Assert.DoesNotContain("1883", exposed);
        Assert.Contains(Image.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), exposed);
    }

    [Fact]
    public void Container_DisablesTheDiagnosticsPort() =>
        Assert.Equal("0", _dockerfile.FinalEnvironment["DOTNET_EnableDiagnostics"]);

    [Fact]
    public void Container_RunsAsTheAppUser_WithAHealthcheckThatNeedsNoShell()
    {
        var user = _dockerfile.FinalStage.Single(i => i.Keyword == "USER").Arguments;
        Assert.Equal("${APP_UID}", user);
        Assert.NotEqual(0, Image.AppUid);

        var healthcheck = _dockerfile.FinalStage.Single(i => i.Keyword == "HEALTHCHECK").Arguments;
        Assert.Matches(new Regex("CMD \\[\"/app/EdgeAgent\", \"health\"\\]$"), healthcheck);
        Assert.Equal("[\"/app/EdgeAgent\"]", _dockerfile.FinalStage.Single(i => i.Keyword == "ENTRYPOINT").Arguments);
    }

    [Fact]
    public void CopiedSources_ExistAndAreInTheBuildContext()
    {
        var ignored = Repository.Read(".dockerignore").Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var copies = _dockerfile.Instructions.Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal));
        foreach (var copy in copies)
        {
            var parts = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToList();
            foreach (var source in parts.SkipLast(1).Select(s => s.TrimEnd('/')))
            {
                Assert.True(Repository.Exists(source), $"COPY {source}: not in the repository");
                Assert.DoesNotContain(ignored, pattern => pattern == source || source.StartsWith(pattern + "/", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void Dockerignore_KeepsLocalDataAndKeysOut()
    {
        var ignored = Repository.Read(".dockerignore");
        Assert.Contains("**/tokenization.key", ignored, StringComparison.Ordinal);
        Assert.Contains("**/bin", ignored, StringComparison.Ordinal);
        Assert.Contains("**/obj", ignored, StringComparison.Ordinal);
    }
}
