using System.IO.Compression;
using System.Text;
using EdgeAgent.Shared.Uplink;

namespace EdgeAgent.Cloud.Tests.Unit;

/// <summary>The one reader of the agent's message bodies: gzip or plain, and what it refuses.</summary>
public sealed class UplinkPayloadTests
{
    private static readonly byte[] Json = Encoding.UTF8.GetBytes(
        "{\"type\":\"records\",\"items\":[" + string.Join(',', Enumerable.Range(1, 200).Select(i => $"{{\"seq\":{i},\"status\":\"scored\"}}")) + "]}");

    [Fact]
    public void A_compressed_body_opens_to_the_same_json_and_compresses_the_same_every_time()
    {
        var body = UplinkPayload.Compress(Json);

        Assert.True(UplinkPayload.IsCompressed(body));
        Assert.True(body.Length * 5 < Json.Length, $"{body.Length} bytes for {Json.Length}");
        Assert.Equal(UplinkOpenResult.Inflated, UplinkPayload.TryOpen(body, UplinkPayload.MaxInflatedBytes, out var json));
        Assert.Equal(Json, json.ToArray());
        Assert.Equal(body, UplinkPayload.Compress(Json));

        // Any gzip reader takes it: the standard stream, as gzip -dc would.
        using var standard = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var inflated = new MemoryStream();
        standard.CopyTo(inflated);
        Assert.Equal(Json, inflated.ToArray());
    }

    [Fact]
    public void A_plain_body_is_taken_as_it_is()
    {
        Assert.False(UplinkPayload.IsCompressed(Json));
        Assert.Equal(UplinkOpenResult.Plain, UplinkPayload.TryOpen(Json, UplinkPayload.MaxInflatedBytes, out var json));
        Assert.Equal(Json, json.ToArray());
    }

    [Fact]
    public void A_compression_bomb_is_refused_past_the_cap_holding_no_more_than_the_cap()
    {
        // 256 MiB of zeros in about a quarter of a megabyte.
        byte[] bomb;
        using (var output = new MemoryStream())
        {
            using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                var zeros = new byte[1 << 20];
                for (var i = 0; i < 256; i++)
                {
                    gzip.Write(zeros);
                }
            }

            bomb = output.ToArray();
        }

        Assert.True(bomb.Length < 512 * 1024, $"{bomb.Length} bytes");
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(UplinkOpenResult.TooLarge, UplinkPayload.TryOpen(bomb, UplinkPayload.MaxInflatedBytes, out var json));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(json.IsEmpty);
        Assert.True(allocated < 3L * UplinkPayload.MaxInflatedBytes, $"{allocated} bytes allocated to refuse it");
        Assert.Throws<InvalidDataException>(() => UplinkPayload.Open(bomb));
    }

    [Fact]
    public void A_cut_off_or_damaged_gzip_body_is_refused_as_corrupt()
    {
        var body = UplinkPayload.Compress(Json);
        var cut = body[..(body.Length / 2)];
        var damaged = body.ToArray();
        damaged[body.Length / 2] ^= 0xff;

        Assert.Equal(UplinkOpenResult.Corrupt, UplinkPayload.TryOpen(cut, UplinkPayload.MaxInflatedBytes, out _));
        Assert.Equal(UplinkOpenResult.Corrupt, UplinkPayload.TryOpen(damaged, UplinkPayload.MaxInflatedBytes, out _));
        Assert.Equal(UplinkOpenResult.Corrupt, UplinkPayload.TryOpen(new byte[] { 0x1f, 0x8b }, UplinkPayload.MaxInflatedBytes, out _));
    }
}
