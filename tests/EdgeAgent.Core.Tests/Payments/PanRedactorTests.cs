using System.Text;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Tests.Payments;

public sealed class PanRedactorTests
{
    [Theory]
    [InlineData("{\"pan\":\"4111111111111111\"}", "{\"pan\":\"################\"}")]
    [InlineData("card 4111 1111 1111 1111 end", "card ################### end")]
    [InlineData("x4111-1111-1111-1111", "x###################")]
    [InlineData("{\"pan\":4111111111111111}", "{\"pan\":################}")]
    [InlineData("\"\\u0034111111111111111\"", "\"#####################\"")]
    [InlineData("amount 12345678901 and 42", "amount 12345678901 and 42")]
    [InlineData("1 2 3 4 5 6 7 8 9 0 1 2", "#######################")]
    public void Redact_MasksEveryLongDigitRun(string input, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(PanRedactor.Redact(Encoding.UTF8.GetBytes(input))));

    [Fact]
    public void Redact_LongPayload_IsCutAfterMasking()
    {
        var input = new string('a', PanRedactor.MaxKeptBytes - 4) + "4111111111111111";

        var redacted = Encoding.UTF8.GetString(PanRedactor.Redact(Encoding.UTF8.GetBytes(input)));

        Assert.Equal(PanRedactor.MaxKeptBytes, redacted.Length);
        Assert.EndsWith("####", redacted, StringComparison.Ordinal);
    }
}
