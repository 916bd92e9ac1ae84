using EdgeAgent.Core.Features;
using LiteDB;

namespace EdgeAgent.Storage;

/// <summary>BSON shapes of card histories and merchant activity.</summary>
internal static class StateDocuments
{
    public static BsonDocument Card(CardHistorySnapshot card)
    {
        var recent = card.Recent;
        var times = new long[recent.Length];
        var amounts = new double[recent.Length];
        var merchants = new int[recent.Length];
        var latitudes = new double[recent.Length];
        var longitudes = new double[recent.Length];
        for (var i = 0; i < recent.Length; i++)
        {
            (times[i], amounts[i], merchants[i], latitudes[i], longitudes[i]) =
                (recent[i].UnixMs, recent[i].Amount, recent[i].MerchantHash, recent[i].Latitude, recent[i].Longitude);
        }

        return new BsonDocument
        {
            ["_id"] = card.CardToken,
            ["last"] = card.LastUnixMs,
            ["seq"] = card.Sequence,
            ["rt"] = BinaryArrays.From<long>(times),
            ["ra"] = BinaryArrays.From<double>(amounts),
            ["rm"] = BinaryArrays.From<int>(merchants),
            ["rlat"] = BinaryArrays.From<double>(latitudes),
            ["rlon"] = BinaryArrays.From<double>(longitudes),
        };
    }

    public static CardHistorySnapshot Card(BsonDocument doc)
    {
        var times = BinaryArrays.To<long>(doc["rt"].AsBinary);
        var amounts = BinaryArrays.To<double>(doc["ra"].AsBinary);
        // "rm": merchant hashes. A card written before merchant keys has "rh" (store/terminal hashes) instead: those
        // never equal a merchant's hash, so its older payments count as other merchants until they age out.
        var merchants = BinaryArrays.To<int>((doc.TryGetValue("rm", out var rm) ? rm : doc["rh"]).AsBinary);
        var latitudes = BinaryArrays.To<double>(doc["rlat"].AsBinary);
        var longitudes = BinaryArrays.To<double>(doc["rlon"].AsBinary);
        var recent = new RecentPayment[times.Length];
        for (var i = 0; i < recent.Length; i++)
        {
            recent[i] = new RecentPayment(times[i], amounts[i], merchants[i], latitudes[i], longitudes[i]);
        }

        return new CardHistorySnapshot(doc["_id"].AsString, recent) { Sequence = doc.TryGetValue("seq", out var seq) ? seq.AsInt64 : 0 };
    }

    public static BsonDocument Merchant(MerchantActivitySnapshot merchant) => new()
    {
        ["_id"] = merchant.MerchantKey,
        ["seq"] = merchant.Sequence,
        ["h"] = Window(merchant.LastHour),
        ["d"] = Window(merchant.LastDay),
    };

    public static MerchantActivitySnapshot Merchant(BsonDocument doc) =>
        new(doc["_id"].AsString, Window(doc["h"].AsDocument), Window(doc["d"].AsDocument)) { Sequence = doc.TryGetValue("seq", out var seq) ? seq.AsInt64 : 0 };

    /// <summary>
    /// Only the occupied buckets, with their slots: a quiet merchant has a handful, so its document stays a few
    /// dozen bytes instead of the whole ring, and the per-batch rewrite stays cheap.
    /// </summary>
    private static BsonDocument Window(WindowSnapshot window)
    {
        var used = 0;
        foreach (var count in window.Count)
        {
            used += count > 0 ? 1 : 0;
        }

        var slots = new short[used];
        var index = new long[used];
        var counts = new int[used];
        var sums = new double[used];
        for (int slot = 0, j = 0; slot < window.Count.Length; slot++)
        {
            if (window.Count[slot] > 0)
            {
                (slots[j], index[j], counts[j], sums[j]) = ((short)slot, window.Index[slot], window.Count[slot], window.Sum[slot]);
                j++;
            }
        }

        return new BsonDocument
        {
            ["n"] = window.Count.Length,
            ["k"] = BinaryArrays.From<short>(slots),
            ["i"] = BinaryArrays.From<long>(index),
            ["c"] = BinaryArrays.From<int>(counts),
            ["s"] = BinaryArrays.From<double>(sums),
        };
    }

    private static WindowSnapshot Window(BsonDocument doc)
    {
        var size = doc["n"].AsInt32;
        var index = new long[size];
        Array.Fill(index, long.MinValue);
        var counts = new int[size];
        var sums = new double[size];
        var slots = BinaryArrays.To<short>(doc["k"].AsBinary);
        var usedIndex = BinaryArrays.To<long>(doc["i"].AsBinary);
        var usedCounts = BinaryArrays.To<int>(doc["c"].AsBinary);
        var usedSums = BinaryArrays.To<double>(doc["s"].AsBinary);
        for (var j = 0; j < slots.Length; j++)
        {
            (index[slots[j]], counts[slots[j]], sums[slots[j]]) = (usedIndex[j], usedCounts[j], usedSums[j]);
        }

        return new WindowSnapshot(index, counts, sums);
    }
}
