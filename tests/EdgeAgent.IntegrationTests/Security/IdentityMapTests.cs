using EdgeAgent.Mqtt.Security;

namespace EdgeAgent.IntegrationTests.Security;

public sealed class IdentityMapTests
{
    [Fact]
    public void Lines_MapNamesToTerminalsAndRoles()
    {
        var map = IdentityMap.Parse(
            ["# store 1", "terminal store-1/t1", "terminal pinpad-0042   store-1 t2   # by serial", "", "operator ops", "agent edgeagent"], "ids");

        Assert.Equal(4, map.Count);
        Assert.True(map.TryGet("store-1/t1", out var t1));
        Assert.Equal(new TerminalIdentity("store-1/t1", TerminalRole.Terminal, "store-1", "t1"), t1);
        Assert.True(map.TryGet("pinpad-0042", out var t2));
        Assert.Equal(("store-1", "t2"), (t2.StoreId, t2.TerminalId));
        Assert.True(map.TryGet("ops", out var ops));
        Assert.Equal(TerminalRole.Operator, ops.Role);
        Assert.True(map.OwnsClientId("ops:dashboard"));
        Assert.False(map.OwnsClientId("ops2"));
    }

    [Theory]
    [InlineData("terminal store-1", "a terminal is")]
    [InlineData("terminal store-1/t1/x", "a terminal is")]
    [InlineData("terminal a:b store-1 t1", "expected")]
    [InlineData("terminal store+1/t1", "expected")]
    [InlineData("terminal x store-1 t 1", "a terminal is")]
    [InlineData("admin root", "unknown role")]
    [InlineData("operator ops extra", "unknown role")]
    public void BadLine_IsRefusedNamingTheLine(string line, string problem)
    {
        var error = Assert.Throws<FormatException>(() => IdentityMap.Parse(["terminal store-1/t9", line], "identities.conf"));
        Assert.Contains("identities.conf line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_TwiceIsRefused()
    {
        var error = Assert.Throws<FormatException>(() => IdentityMap.Parse(["terminal store-1/t1", "operator store-1/t1"], "ids"));
        Assert.Contains("appears twice", error.Message, StringComparison.Ordinal);
    }
}
