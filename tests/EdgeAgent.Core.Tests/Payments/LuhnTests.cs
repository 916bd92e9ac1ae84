using System.Text;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Tests.Payments;

public sealed class LuhnTests
{
    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("5555555555554444", true)]
    [InlineData("378282246310005", true)]
    [InlineData("79927398713", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("79927398710", false)]
    [InlineData("4111a11111111111", false)]
    [InlineData("", false)]
    public void IsValid_KnownNumbers(string digits, bool valid) =>
        Assert.Equal(valid, Luhn.IsValid(Encoding.ASCII.GetBytes(digits)));
}
