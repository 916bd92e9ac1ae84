namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Recently scored payments by key, in memory, backed by the store for older ones. Only the scoring loop
/// uses it. A payment still on its way to the store is found here, so a retry that overtakes the first
/// commit is still recognised.
/// </summary>
internal sealed class DuplicateIndex(IOutcomeStore store, int capacity)
{
    private readonly Dictionary<string, AnswerSlot> _recent = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public AnswerSlot? Find(string key)
    {
        if (_recent.TryGetValue(key, out var slot))
        {
            return slot;
        }

        if (store.FindAnswer(key) is { } answer)
        {
            slot = new AnswerSlot(answer);
            Remember(key, slot);
            return slot;
        }

        return null;
    }

    public void Remember(string key, AnswerSlot slot)
    {
        _recent[key] = slot;
        _order.Enqueue(key);
        while (_order.Count > capacity)
        {
            _recent.Remove(_order.Dequeue());
        }
    }
}
