using System.Text.RegularExpressions;
using EdgeAgent.Deployment.Tests.Infrastructure;

namespace EdgeAgent.Deployment.Tests;

/// <summary>The checker the manifest tests rely on: it must accept what the agent reads and refuse what it does not.</summary>
public class AgentSettingsTests
{
    [Theory]
    [InlineData("Mqtt")]
    [InlineData("Storage")]
    [InlineData("Inference")]
    [InlineData("Tokenization")]
    [InlineData("Pipeline")]
    [InlineData("Validation")]
    [InlineData("Decision")]
    [InlineData("Drift")]
    public void Discover_FindsTheSectionsTheAgentBinds(string section)
    {
        Assert.Contains(section, AgentSettings.Current.Sections.Keys);
    }

    [Fact]
    public void TheAgent_BindsNoSimulatorSettings()
    {
        Assert.DoesNotContain("Load", AgentSettings.Current.Sections.Keys);
    }

    [Theory]
    [InlineData("EdgeAgent__Mqtt__Host", "mosquitto")]
    [InlineData("EdgeAgent__Mqtt__Port", "1883")]
    [InlineData("EDGEAGENT__mqtt__bindaddress", "0.0.0.0")]
    [InlineData("EdgeAgent__Inference__Provider", "Cuda")]
    [InlineData("EdgeAgent__Inference__Provider", "cpu")]
    [InlineData("EdgeAgent__Storage__Path", "/data")]
    [InlineData("EdgeAgent__Validation__MaxClockSkew", "00:05:00")]
    [InlineData("EdgeAgent__Http__Urls", "http://0.0.0.0:8080")]
    [InlineData("EdgeAgent__Logging__Json", "true")]
    [InlineData("EdgeAgent__Serilog__MinimumLevel__Default", "Warning")]
    [InlineData("EdgeAgent__Mqtt__Host", "${REGISTRY}")]
    public void Check_AcceptsSettingsTheAgentReads(string name, string value)
    {
        Assert.Null(AgentSettings.Current.Check(name, value));
    }

    [Theory]
    [InlineData("EdgeAgent__Mqtt__Hots", "mosquitto")]
    [InlineData("EdgeAgent__Mqt__Host", "mosquitto")]
    [InlineData("EdgeAgent_Mqtt__Host", "mosquitto")]
    [InlineData("EdgeAgent__Mqtt", "mosquitto")]
    [InlineData("EdgeAgent__Mqtt__Port__Value", "1883")]
    [InlineData("EdgeAgent__Mqtt__Port", "18 83")]
    [InlineData("EdgeAgent__Mqtt__Port", "70000")]
    [InlineData("EdgeAgent__Inference__Provider", "Gpu")]
    [InlineData("EdgeAgent__Logging__Json", "yes")]
    [InlineData("EdgeAgent__Mqtt__UsesExternalBroker", "true")]
    public void Check_RefusesWhatTheAgentWouldNotTake(string name, string value)
    {
        Assert.NotNull(AgentSettings.Current.Check(name, value));
    }

    [Fact]
    public void ContainerEnvironment_RefusesAnInlineTokenizationKey()
    {
        var problems = ContainerEnvironment.Problems([KeyValuePair.Create("EdgeAgent__Tokenization__Key", "c2VjcmV0")]);

        Assert.Contains(problems, p => p.Contains("never inline", StringComparison.Ordinal));
    }

    [Fact]
    public void HostKeys_AreReadByTheHost()
    {
        var source = string.Concat(Repository.Files("src/EdgeAgent", "*.cs")
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal))
            .Select(Repository.Read));

        foreach (var key in AgentSettings.HostKeys.Keys)
        {
            Assert.Matches(new Regex("\"" + Regex.Escape(key) + "\""), source);
        }
    }
}
