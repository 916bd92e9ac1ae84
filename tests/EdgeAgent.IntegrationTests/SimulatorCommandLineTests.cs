
namespace EdgeAgent.IntegrationTests;

/// <summary>The simulator's command line, run as a person runs it: help, and the settings it refuses with exit code 2.</summary>
public sealed class SimulatorCommandLineTests
{
    private static Task<(int ExitCode, string Output)> RunAsync(params string[] args) =>
        ExternalProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "EdgeAgent.Simulator.dll"), .. args], TimeSpan.FromSeconds(60));

    [Fact]
    public async Task Help_NamesEveryCommand_AndTheSettingsOfOne()
    {
        var (exit, output) = await RunAsync("--help");
        var (linkExit, link) = await RunAsync("link", "--help");

        Assert.True(exit == 0, output);
        foreach (var command in new[] { "loadgen", "demo", "pipelines", "link" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }

        Assert.True(linkExit == 0, link);
        Assert.Contains("--Link", link, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("loadgen", "--Lod:Rate=5", "--Lod:Rate=5")]
    [InlineData("link", "--Load:Rate=5", "--Load:Rate=5")]
    [InlineData("link", "--Link:ListenPort", "a setting is --Link:Key=value")]
    [InlineData("loadgen", "--Load:Rat=5", "Rat")]
    [InlineData("lodgen", "--Load:Rate=5", "lodgen")]
    public async Task SettingTheCommandDoesNotRead_IsRefusedWithExitTwo_NamingIt(string command, string setting, string named)
    {
        var (exit, output) = await RunAsync(command, setting);

        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains(named, output, StringComparison.Ordinal);
    }
}
