using System.Text;

namespace EdgeAgent.Testing;

/// <summary>Payment payloads as terminals send them.</summary>
public static class Payloads
{
    public const string Pan = "4111111111111111";

    public static string Topic(string store = "store-1", string terminal = "t1") => $"pos/{store}/{terminal}/payments";

    public static byte[] Payment(string transactionId, decimal amount = 25.00m, string pan = Pan, string timestamp = "2026-11-27T10:15:00+01:00", string channel = "pos") =>
        Encoding.UTF8.GetBytes($$$"""
            {"transactionId":"{{{transactionId}}}","timestamp":"{{{timestamp}}}","amount":{{{amount.ToString(System.Globalization.CultureInfo.InvariantCulture)}}},"currency":"EUR","pan":"{{{pan}}}","mcc":"5411","channel":"{{{channel}}}","merchantId":"m-1","location":{"lat":48.85,"lon":2.35}}
            """);
}
