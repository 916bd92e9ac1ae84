namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// Payments as a terminal sends them, each one minute after the previous one made here, so that every agent paid
/// them orders them alike; the merchant is <c>m-</c> and the transaction id's first letter (one merchant per store).
/// </summary>
internal sealed class TerminalPayments(DateTimeOffset start)
{
    private int _minute;

    public string Next(string transactionId, string pan, decimal amount)
    {
        var at = start.AddMinutes(_minute++).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var value = amount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $$$"""{"transactionId":"{{{transactionId}}}","timestamp":"{{{at}}}","amount":{{{value}}},"currency":"EUR","pan":"{{{pan}}}","mcc":"5411","channel":"pos","merchantId":"m-{{{transactionId[0]}}}","location":{"lat":48.85,"lon":2.35}}""";
    }
}
