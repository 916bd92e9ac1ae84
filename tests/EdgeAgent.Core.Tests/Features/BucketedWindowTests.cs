using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Tests.Features;

public sealed class BucketedWindowTests
{
    [Fact]
    public void Query_CoversTheCurrentBucketAndThePrecedingOnes()
    {
        var window = new BucketedWindow(bucketMs: 1000, bucketCount: 3);
        window.Add(500, 1);
        window.Add(1500, 2);
        window.Add(2500, 4);
        window.Add(2600, 8);

        Assert.Equal((4, 15.0), window.Query(2999));
        Assert.Equal((3, 14.0), window.Query(3000)); // the bucket [0, 1000) has left the window
        Assert.Equal((0, 0.0), window.Query(10_000));
    }

    [Fact]
    public void Add_ReusesASlotForANewerBucket_AndIgnoresAStaleOne()
    {
        var window = new BucketedWindow(bucketMs: 1000, bucketCount: 2);
        window.Add(100, 1);
        window.Add(2100, 2); // same slot, newer bucket: replaces
        window.Add(150, 4); // older than the slot's bucket: outside every window the newer one can see

        Assert.Equal((1, 2.0), window.Query(2200));
    }

    [Fact]
    public void Snapshot_RoundTrips()
    {
        var window = new BucketedWindow(1000, 4);
        window.Add(1234, 5);
        var copy = BucketedWindow.FromSnapshot(1000, window.ToSnapshot());

        Assert.Equal(window.Query(2000), copy.Query(2000));
    }
}
