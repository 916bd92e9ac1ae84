namespace EdgeAgent.Sparkov;

/// <summary>
/// One row of the Sparkov simulated card transactions (see docs/models.md). <see cref="CardNumber"/> is a
/// simulated PAN: it exists so the tokenization path is exercised exactly as a terminal would exercise it.
/// </summary>
public sealed record SparkovRecord(
    long UnixTime,
    string TransactionNumber,
    string CardNumber,
    string Category,
    decimal Amount,
    string Merchant,
    double MerchantLatitude,
    double MerchantLongitude,
    bool IsFraud);
