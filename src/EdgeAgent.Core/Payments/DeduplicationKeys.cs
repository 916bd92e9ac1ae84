namespace EdgeAgent.Core.Payments;

/// <summary>
/// Transaction ids are unique per terminal, not across a fleet, so a payment is identified by
/// store, terminal and transaction id together.
/// </summary>
public static class DeduplicationKeys
{
    /// <summary>Builds the key; the parts cannot contain '/', which the topic grammar forbids.</summary>
    public static string For(string storeId, string terminalId, string transactionId) =>
        string.Concat(storeId, "/", terminalId, "/", transactionId);
}
