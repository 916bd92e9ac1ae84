namespace EdgeAgent.Core.Records;

/// <summary>
/// A durable queue of encoded items keyed by id (alerts, metric snapshots): appended by one producer, read in id order and
/// deleted by one consumer once the cloud has them. Kept on the node's device, so it survives a restart.
/// </summary>
public interface IItemQueue
{
    /// <summary>Items in the queue.</summary>
    long Count { get; }

    /// <summary>Bytes of their encodings.</summary>
    long Bytes { get; }

    /// <summary>When the item with the lowest id happened; null when the queue is empty.</summary>
    DateTimeOffset? Oldest { get; }

    /// <summary>Adds <paramref name="item"/>; returns false, and keeps the item already queued, when its id is taken.</summary>
    bool Append(EncodedItem item);

    /// <summary>At most <paramref name="max"/> items with ids above <paramref name="id"/>, in id order.</summary>
    IReadOnlyList<EncodedItem> ReadAfter(long id, int max);

    /// <summary>The items with ids from <paramref name="first"/> to <paramref name="last"/>, both included, in id order.</summary>
    IReadOnlyList<EncodedItem> ReadRange(long first, long last);

    /// <summary>The ids of the items that happened before <paramref name="cutoff"/>, in ascending order.</summary>
    IReadOnlyList<long> IdsBefore(DateTimeOffset cutoff);

    /// <summary>Deletes the items with ids from <paramref name="first"/> to <paramref name="last"/>, both included.</summary>
    RemovedItems DeleteRange(long first, long last);

    /// <summary>Deletes the items with these ids; ids not in the queue are skipped.</summary>
    RemovedItems Delete(IEnumerable<long> ids);
}
