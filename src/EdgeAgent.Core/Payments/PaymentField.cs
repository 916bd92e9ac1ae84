namespace EdgeAgent.Core.Payments;

/// <summary>The fields of the payment contract, as the parser tells them apart.</summary>
internal enum PaymentField
{
    Unknown = 0,
    TransactionId,
    Timestamp,
    Amount,
    Currency,
    Pan,
    CardToken,
    Mcc,
    Channel,
    MerchantId,
    Location,
}
