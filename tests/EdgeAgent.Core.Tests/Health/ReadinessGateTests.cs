using EdgeAgent.Core.Health;

namespace EdgeAgent.Core.Tests.Health;

public sealed class ReadinessGateTests
{
    [Fact]
    public void AProblem_StaysUntilItsComponentClearsIt_AndALaterReasonReplacesTheEarlier()
    {
        var gate = new ReadinessGate();

        gate.NotReady("storage", "disk almost full");
        gate.NotReady("storage", "disk full: intake stopped");
        gate.NotReady("clock", "clock not synchronised");
        gate.Ready("clock");
        gate.Ready("nobody");

        var problem = Assert.Single(gate.Problems);
        Assert.Equal("storage", problem.Key);
        Assert.Equal("disk full: intake stopped", problem.Value);
        gate.Ready("storage");
        Assert.Empty(gate.Problems);
    }

    [Fact]
    public void AProblem_NeedsAComponentAndAReason()
    {
        var gate = new ReadinessGate();
        Assert.Throws<ArgumentException>(() => gate.NotReady("storage", " "));
        Assert.Throws<ArgumentException>(() => gate.NotReady("", "disk full"));
    }
}
