using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Features;

/// <summary>
/// The one feature code path. The training command replays the labelled history through it and the agent
/// runs every live payment through it, so a model never sees features computed differently from how it
/// was trained. Each payment's features use only payments before it; then the payment joins the state.
/// </summary>
public sealed class FeatureExtractor
{
    private const long HourMs = 3_600_000;
    private const long DayMs = 24 * HourMs;
    private const float Unknown = -1f;
    private const double MaxZScore = 50;

    private readonly FeatureState _state;

    public FeatureExtractor(FeatureState state)
    {
        _state = state;
    }

    /// <summary>
    /// Writes the features of <paramref name="payment"/> into <paramref name="features"/>, then adds the payment to
    /// the state; returns what it added, for the journal.
    /// </summary>
    public FeatureUpdate ComputeAndApply(PaymentEvent payment, Span<float> features)
    {
        var update = FeatureUpdate.Of(payment);
        var card = _state.Card(update.CardToken);
        var terminal = _state.Terminal(update.TerminalKey);
        Compute(payment, update.UnixMs, update.Amount, card, terminal, features);
        Apply(update, card, terminal);
        return update;
    }

    /// <summary>Adds a journaled payment to the state without computing its features (replay at start).</summary>
    public void Apply(FeatureUpdate update) =>
        Apply(update, _state.Card(update.CardToken), _state.Terminal(update.TerminalKey));

    /// <summary>The key of a terminal's state: <c>{storeId}/{terminalId}</c>.</summary>
    public static string TerminalKey(string storeId, string terminalId) => string.Concat(storeId, "/", terminalId);

    private void Apply(FeatureUpdate update, CardHistory card, TerminalActivity terminal)
    {
        card.Add(update.UnixMs, update.Amount, StableHash.Of(update.TerminalKey), update.Location);
        terminal.Add(update.UnixMs, update.Amount);
        _state.MarkChanged(update.CardToken, update.TerminalKey);
    }

    private static void Compute(PaymentEvent payment, long unixMs, double amount, CardHistory card, TerminalActivity terminal, Span<float> f)
    {
        if (f.Length < FeatureSchema.Count)
        {
            throw new ArgumentException($"A feature vector holds {FeatureSchema.Count} values.", nameof(f));
        }

        var hour = payment.Timestamp.Hour; // local to the terminal, from the timestamp's offset
        f[0] = (float)amount;
        f[1] = (float)Math.Log(1 + amount);
        f[2] = hour;
        f[3] = hour is >= 22 or < 5 ? 1f : 0f;
        f[4] = ((int)payment.Timestamp.DayOfWeek + 6) % 7; // Monday = 0
        f[5] = payment.Channel == PaymentChannel.Ecommerce ? 1f : 0f;
        f[6] = MerchantCategories.IndexOf(payment.Mcc);

        f[7] = (float)Math.Log(1 + card.Count);
        f[8] = card.Count > 0 ? (float)(amount / Math.Max(card.Mean, 0.01)) : 1f;
        var sd = card.StandardDeviation;
        f[9] = card.Count > 1 && sd > 0 ? (float)Math.Clamp((amount - card.Mean) / sd, -MaxZScore, MaxZScore) : 0f;

        WriteCardWindows(card, unixMs, f);

        f[18] = payment.Location is { } here && card.LastLocation is { } there
            ? (float)Math.Log(1 + here.DistanceKmTo(there))
            : Unknown;

        var (hourCount, _) = terminal.LastHour(unixMs);
        var (dayCount, daySum) = terminal.LastDay(unixMs);
        f[19] = hourCount;
        f[20] = dayCount;
        f[21] = dayCount > 0 ? (float)(amount / Math.Max(daySum / dayCount, 0.01)) : 1f;
    }

    /// <summary>Counts and sums over [t - window, t): strictly earlier payments only, so nothing leaks from the future.</summary>
    private static void WriteCardWindows(CardHistory card, long unixMs, Span<float> f)
    {
        int count1H = 0, count24H = 0, count7D = 0;
        double sum1H = 0, sum24H = 0, sum7D = 0;
        var previous = long.MinValue;
        Span<int> terminals = stackalloc int[64];
        var terminalCount = 0;

        var recent = card.Recent;
        for (var i = recent.Count - 1; i >= 0; i--)
        {
            var p = recent[i];
            if (p.UnixMs >= unixMs)
            {
                continue;
            }

            previous = Math.Max(previous, p.UnixMs);
            var age = unixMs - p.UnixMs;
            if (age > CardHistory.RetentionMs)
            {
                break;
            }

            count7D++;
            sum7D += p.Amount;
            if (age <= DayMs)
            {
                count24H++;
                sum24H += p.Amount;
                if (terminalCount < terminals.Length && !terminals[..terminalCount].Contains(p.TerminalHash))
                {
                    terminals[terminalCount++] = p.TerminalHash;
                }

                if (age <= HourMs)
                {
                    count1H++;
                    sum1H += p.Amount;
                }
            }
        }

        if (previous == long.MinValue && card.LastUnixMs < unixMs)
        {
            previous = card.LastUnixMs; // older than the retained window, or none at all
        }

        f[10] = previous == long.MinValue ? Unknown : (float)Math.Log(1 + ((unixMs - previous) / 1000.0));
        f[11] = count1H;
        f[12] = count24H;
        f[13] = count7D;
        f[14] = (float)Math.Log(1 + sum1H);
        f[15] = (float)Math.Log(1 + sum24H);
        f[16] = (float)Math.Log(1 + sum7D);
        f[17] = terminalCount;
    }
}
