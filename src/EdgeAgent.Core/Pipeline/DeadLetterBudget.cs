namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// How many refused payloads each sender may have kept as dead letters: a token bucket per sender (a client id, or a
/// store and terminal), refilled at a steady rate. A sender flooding bad payloads is still answered and counted, but no
/// more of its dead letters are kept, so it cannot fill the record or slow the commits of everyone else. Bounded: when
/// more senders are tracked than the cap, the table starts over (every sender gets a full bucket again). Used by the
/// scoring loop only.
/// </summary>
internal sealed class DeadLetterBudget(double perSecond, int burst, TimeProvider time)
{
    private const int MaxSenders = 10_000;

    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public bool TryTake(string sender)
    {
        var now = time.GetTimestamp();
        if (!_buckets.TryGetValue(sender, out var bucket))
        {
            if (_buckets.Count >= MaxSenders)
            {
                _buckets.Clear();
            }

            bucket = new Bucket(burst, now);
        }
        else
        {
            var refill = time.GetElapsedTime(bucket.At, now).TotalSeconds * perSecond;
            bucket = new Bucket(Math.Min(burst, bucket.Tokens + refill), now);
        }

        var taken = bucket.Tokens >= 1;
        _buckets[sender] = taken ? bucket with { Tokens = bucket.Tokens - 1 } : bucket;
        return taken;
    }

    private readonly record struct Bucket(double Tokens, long At);
}
