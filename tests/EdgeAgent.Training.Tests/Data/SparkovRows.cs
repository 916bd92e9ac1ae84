using EdgeAgent.Sparkov;

namespace EdgeAgent.Training.Tests.Data;

/// <summary>Hand-made Sparkov rows for tests; the PANs pass the Luhn check as the agent requires.</summary>
internal static class SparkovRows
{
    public const string CardA = "4111111111111111";
    public const string CardB = "5555555555554444";
    public const string CardC = "378282246310005";

    public static SparkovRecord Row(long unixTime, string card, decimal amount, bool fraud = false, string category = "grocery_pos", string merchant = "fraud_Kuhn LLC") =>
        new(unixTime, $"t{unixTime}{card[^4..]}", card, category, amount, merchant, 40.7, -74.0, fraud);
}
