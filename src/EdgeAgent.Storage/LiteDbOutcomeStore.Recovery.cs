using EdgeAgent.Storage.Records;
using LiteDB;

namespace EdgeAgent.Storage;

/// <summary>Recording, at start, what the answer journal holds beyond the last commit.</summary>
public sealed partial class LiteDbOutcomeStore
{
    /// <summary>
    /// Records journal entries (each a group of encoded records, in order, following on from <see cref="LastSequence"/>):
    /// payments that were answered before a crash but not yet committed. Their redeliveries then get the same answer from the
    /// record, byte for byte. Never throws for an entry: one whose records do not decode, do not number exactly its range, or
    /// that the database will not take (a group id already on record) is refused and counted, and the start goes on.
    /// </summary>
    public JournalRecovery Recover(IReadOnlyList<(long First, long Last, byte[] Records)> entries)
    {
        var recovered = 0;
        var refused = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (first, last, records) in entries)
        {
            if (last <= LastSequence)
            {
                continue;
            }

            if (first != LastSequence + 1 || !Numbered(records, first, last, out var count))
            {
                // Not the next payments (a sequence out of range), or records this agent cannot read: never recorded.
                refused[JournalRecovery.Unreadable] = refused.GetValueOrDefault(JournalRecovery.Unreadable) + 1;
                continue;
            }

            try
            {
                _file.Write(db => db.GetCollection(LogCollection).Insert(new BsonDocument { ["_id"] = first, ["last"] = last, ["d"] = records }));
            }
            catch (LiteException)
            {
                refused[JournalRecovery.Unrecordable] = refused.GetValueOrDefault(JournalRecovery.Unrecordable) + 1;
                continue;
            }

            Interlocked.Exchange(ref _lastSequence, last);
            recovered += count;
        }

        if (recovered > 0)
        {
            _file.Flush();
            Committed?.Invoke(LastSequence);
        }

        return new JournalRecovery(recovered, refused);
    }

    /// <summary>True when the records decode and carry exactly the sequences <paramref name="first"/> to <paramref name="last"/>, in order.</summary>
    private static bool Numbered(byte[] records, long first, long last, out int count)
    {
        count = 0;
        try
        {
            var decoded = RecordCodec.Decode(records);
            if (decoded.Count != last - first + 1)
            {
                return false;
            }

            for (var i = 0; i < decoded.Count; i++)
            {
                if (decoded[i].Sequence != first + i)
                {
                    return false;
                }
            }

            count = decoded.Count;
            return true;
        }
        catch (Exception)
        {
            // Whatever the bytes make the decoder do (a malformed decimal, a negative or absurd array length), they are refused.
            return false;
        }
    }
}
