using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Core.Tests.Pipeline;

public sealed class DuplicateIndexTests
{
    private static long Hash(string key) => PaymentFingerprint.OfText(key);

    [Fact]
    public void RecentPayment_IsFoundWithItsAnswer_OlderOneOnlyBySequence()
    {
        var index = new DuplicateIndex(recentAnswers: 1, maxKeys: 100, TimeSpan.FromHours(1));
        index.Preload([new RecordedKey("s/t/old", 1, TestPayments.Now, 11)]);
        index.Add("s/t/new", Hash("s/t/new"), 2, 22, TestPayments.Now, new byte[] { 7 });

        var recent = index.Find("s/t/new", Hash("s/t/new"));
        Assert.Equal(LookupKind.Recent, recent.Kind);
        Assert.Equal([7], recent.Answer.ToArray());
        Assert.Equal(22, recent.Fingerprint);
        var old = index.Find("s/t/old", Hash("s/t/old"));
        Assert.Equal(LookupKind.Stored, old.Kind);
        Assert.Equal(1, old.Sequence);
        Assert.Equal(11, old.Fingerprint);
        Assert.Equal(LookupKind.None, index.Find("s/t/never", Hash("s/t/never")).Kind);
    }

    [Fact]
    public void PaymentOlderThanTheWindow_IsForgotten()
    {
        var index = new DuplicateIndex(recentAnswers: 1, maxKeys: 100, TimeSpan.FromHours(1));
        index.Add("s/t/a", Hash("s/t/a"), 1, 0, TestPayments.Now, new byte[] { 1 });
        index.Add("s/t/b", Hash("s/t/b"), 2, 0, TestPayments.Now.AddHours(2), new byte[] { 2 });

        Assert.Equal(LookupKind.None, index.Find("s/t/a", Hash("s/t/a")).Kind);
        Assert.NotEqual(LookupKind.None, index.Find("s/t/b", Hash("s/t/b")).Kind);
        Assert.Equal(1, index.Count);
        Assert.Equal(0, index.Evicted);
    }

    [Fact]
    public void PastTheCap_TheOldestLeaveEarly_AndAreCounted()
    {
        var index = new DuplicateIndex(recentAnswers: 10, maxKeys: 1000, TimeSpan.FromHours(48));
        for (var i = 0; i < 5000; i++)
        {
            var key = "s/t/" + i;
            index.Add(key, Hash(key), i + 1, 0, TestPayments.Now, new byte[] { 1 });
        }

        Assert.Equal(1000, index.Count);
        Assert.Equal(4000, index.Evicted);
        Assert.Equal(LookupKind.None, index.Find("s/t/0", Hash("s/t/0")).Kind);
        Assert.Equal(LookupKind.Recent, index.Find("s/t/4999", Hash("s/t/4999")).Kind);
        Assert.Equal(LookupKind.Stored, index.Find("s/t/4000", Hash("s/t/4000")).Kind);
    }

    [Fact]
    public void PreloadStopsAtTheCap_KeepingTheNewest()
    {
        var index = new DuplicateIndex(recentAnswers: 1, maxKeys: 1000, TimeSpan.FromHours(1));
        var newestFirst = Enumerable.Range(0, 3000).Reverse().Select(i => new RecordedKey("s/t/" + i, i + 1, TestPayments.Now, 0));

        index.Preload(newestFirst);

        Assert.Equal(1000, index.Count);
        Assert.Equal(LookupKind.Stored, index.Find("s/t/2999", Hash("s/t/2999")).Kind);
        Assert.Equal(LookupKind.None, index.Find("s/t/0", Hash("s/t/0")).Kind);
    }
}
