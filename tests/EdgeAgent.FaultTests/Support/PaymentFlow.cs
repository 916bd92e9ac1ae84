using System.Globalization;

namespace EdgeAgent.FaultTests.Support;

/// <summary>Payments as a few terminals send them: each its own sequence, one after another at a steady pace, a few cards among them.</summary>
internal static class PaymentFlow
{
    private static readonly string[] Cards = ["4111111111111111", "5555555555554444", "4012888888881881", "378282246310005", "6011111111111117"];

    private static readonly DateTimeOffset Start = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    public static string TransactionId(string terminal, int i) => $"{terminal}-{i:D5}";

    /// <summary>The <paramref name="i"/>-th payment of a terminal: amounts, cards and times vary, the content is fixed by the index.</summary>
    public static byte[] Payment(string terminal, int i) =>
        Payloads.Payment(
            TransactionId(terminal, i),
            amount: 5m + (i % 97) + ((i % 7) / 10m),
            pan: Cards[(i + terminal.Length) % Cards.Length],
            timestamp: Start.AddSeconds(i * 3).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture));

    /// <summary>Every terminal sends <paramref name="perTerminal"/> payments, one every <paramref name="interval"/>.</summary>
    public static Task RunAsync(IReadOnlyList<StreamTerminal> terminals, int perTerminal, TimeSpan interval) =>
        Task.WhenAll(terminals.Select(async terminal =>
        {
            var name = terminal.Topic.Split('/')[2];
            for (var i = 0; i < perTerminal; i++)
            {
                await terminal.PayAsync(TransactionId(name, i), Payment(name, i));
                await Task.Delay(interval);
            }
        }));
}
