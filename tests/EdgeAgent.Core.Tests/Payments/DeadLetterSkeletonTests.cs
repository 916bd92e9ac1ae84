using System.Text;
using System.Text.Json;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Tests.Payments;

public sealed class DeadLetterSkeletonTests
{
    [Fact]
    public void KeepsNamesTypesAndLengths_NeverValues()
    {
        var payload = """{"transactionId":"tx-1","amount":-3,"pan":"4111111111111112","note":"call me at 555","cvv":"123","expiry":"12/30","track2":";4111=3012?"}""";

        var skeleton = Encoding.UTF8.GetString(DeadLetterSkeleton.Of(Encoding.UTF8.GetBytes(payload), payload.Length));

        Assert.DoesNotContain("tx-1", skeleton, StringComparison.Ordinal);
        Assert.DoesNotContain("4111", skeleton, StringComparison.Ordinal);
        Assert.DoesNotContain("555", skeleton, StringComparison.Ordinal);
        Assert.DoesNotContain("123", skeleton, StringComparison.Ordinal);
        Assert.DoesNotContain("12/30", skeleton, StringComparison.Ordinal);
        var fields = JsonDocument.Parse(skeleton).RootElement.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal("number", fields["amount"].GetProperty("type").GetString());
        Assert.Equal(2, fields["amount"].GetProperty("length").GetInt32());
        foreach (var sensitive in new[] { "cvv", "expiry", "track2" })
        {
            Assert.True(fields[sensitive].GetProperty("sensitive").GetBoolean());
            Assert.False(fields[sensitive].TryGetProperty("length", out _));
        }
    }

    [Theory]
    [InlineData("{\"4111111111111111\":1}")]
    [InlineData("{\"x4111111111111111\":1}")]
    [InlineData("{\"ref_4111_1111_1111_1111x\":1}")]
    [InlineData("{\"a.b\":1}")]
    [InlineData("{\"\\u0061\":1}")]
    public void OddFieldNames_AreWithheld(string payload)
    {
        var skeleton = Encoding.UTF8.GetString(DeadLetterSkeleton.Of(Encoding.UTF8.GetBytes(payload), payload.Length));

        Assert.Contains("(withheld)", skeleton, StringComparison.Ordinal);
        Assert.DoesNotContain("4111", skeleton, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{oops 4111111111111111")]
    [InlineData("{\"a\":\"4111111111111111\"")]
    [InlineData("")]
    public void NotJson_KeepsOnlyTheSize(string payload)
    {
        var root = JsonDocument.Parse(DeadLetterSkeleton.Of(Encoding.UTF8.GetBytes(payload), payload.Length)).RootElement;

        Assert.False(root.GetProperty("json").GetBoolean());
        Assert.Equal(payload.Length, root.GetProperty("bytes").GetInt64());
        Assert.False(root.TryGetProperty("fields", out _));
    }
}
