using EdgeAgent.Storage.Records;
using LiteDB;

namespace EdgeAgent.Storage;

/// <summary>Recording, at start, what the answer journal holds beyond the last commit.</summary>
public sealed partial class LiteDbOutcomeStore
{
    /// <summary>
    /// Records journal entries (each a group of encoded records, in order, following on from <see cref="LastSequence"/>):
    /// payments that were answered before a crash but not yet committed. Their redeliveries then get the same answer from the
    /// record, byte for byte. Returns the number of outcomes recorded.
    /// </summary>
    public int Recover(IReadOnlyList<(long First, long Last, byte[] Records)> entries)
    {
        var recovered = 0;
        foreach (var (first, last, records) in entries)
        {
            if (last <= LastSequence)
            {
                continue;
            }

            var count = RecordCodec.Decode(records).Count;
            _file.Write(db => db.GetCollection(LogCollection).Insert(new BsonDocument { ["_id"] = first, ["last"] = last, ["d"] = records }));
            Interlocked.Exchange(ref _lastSequence, last);
            recovered += count;
        }

        if (recovered > 0)
        {
            _file.Flush();
            Committed?.Invoke(LastSequence);
        }

        return recovered;
    }
}
