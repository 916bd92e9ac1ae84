using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Tests.Features;

public sealed class StoredKeyFilterTests
{
    [Fact]
    public void EmptyFilter_SaysSurelyNotStored_AndAnAddedKeyIsFoundAfterwards()
    {
        var filter = new StoredKeyFilter();
        Assert.False(filter.MayContain("card-1"));

        filter.Add("card-1");

        Assert.True(filter.MayContain("card-1"));
    }

    [Fact]
    public void EveryAddedKey_IsFound_AndFewOthersAre()
    {
        var filter = new StoredKeyFilter();
        for (var i = 0; i < 10_000; i++)
        {
            filter.Add($"stored-{i}");
        }

        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(filter.MayContain($"stored-{i}"), $"stored-{i}");
        }

        // 10,000 keys in 2^25 bits with three probes: a false "maybe" about once in 40 million probes.
        var falseMaybes = Enumerable.Range(0, 10_000).Count(i => filter.MayContain($"never-{i}"));
        Assert.True(falseMaybes <= 2, $"{falseMaybes} keys never added were reported as maybe stored");
    }
}
