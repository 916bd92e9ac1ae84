using System.Text;
using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Core.Tests.Pipeline;

public sealed class DuplicateIndexTests
{
    private readonly MemoryStore _store = new([]);

    [Fact]
    public void RecentPayment_IsFoundInMemory_OlderOneThroughTheStore()
    {
        var index = new DuplicateIndex(_store, recentAnswers: 1, TimeSpan.FromHours(1));
        _store.Record("s/t/old", Encoding.UTF8.GetBytes("first answer"));
        index.Preload(_store.RecentKeys(TestPayments.Now.AddHours(-1)));
        var slot = new AnswerSlot(Encoding.UTF8.GetBytes("recent"));
        index.Add("s/t/new", 2, TestPayments.Now, slot);

        Assert.Same(slot, index.Find("s/t/new"));
        Assert.Equal("first answer", Encoding.UTF8.GetString(index.Find("s/t/old")!.Answer!));
        Assert.Null(index.Find("s/t/never"));
    }

    [Fact]
    public void PaymentOlderThanTheWindow_IsForgotten()
    {
        var index = new DuplicateIndex(_store, recentAnswers: 1, TimeSpan.FromHours(1));
        _store.Record("s/t/a", [1]);
        _store.Record("s/t/b", [2]);
        index.Add("s/t/a", 1, TestPayments.Now, new AnswerSlot([1]));
        index.Add("s/t/b", 2, TestPayments.Now.AddHours(2), new AnswerSlot([2]));

        Assert.Null(index.Find("s/t/a"));
        Assert.NotNull(index.Find("s/t/b"));
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void KeyWhoseSequenceHoldsAnotherPayment_IsNotADuplicate()
    {
        var index = new DuplicateIndex(_store, recentAnswers: 1, TimeSpan.FromHours(1));
        _store.Record("s/t/x", [1]);
        index.Preload([new RecordedKey("s/t/y", 1, TestPayments.Now)]);

        Assert.Null(index.Find("s/t/y"));
    }
}
