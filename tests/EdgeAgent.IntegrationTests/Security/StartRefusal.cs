using EdgeAgent.Commands;
using EdgeAgent.Hosting;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>
/// Starts the real host and returns why it refused to start: the exception <c>AgentHost.RunAsync</c> turns into exit
/// code 3 and its stderr line. Taken from the exception, not stderr, so tests in parallel classes do not share Console.
/// </summary>
internal static class StartRefusal
{
    public static async Task<string> MessageAsync(params string[] settings)
    {
        await using var app = AgentHost.Build(AgentCommand.Run, settings);
        var refusal = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token));
        Assert.True(refusal is Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException or IOException,
            "AgentHost refuses to start on this exception type, not on " + refusal.GetType());
        return refusal.Message;
    }
}
