namespace EdgeAgent.Core.Payments;

/// <summary>How the card was presented: in person at a terminal, or card-not-present online.</summary>
public enum PaymentChannel
{
    /// <summary>Card present at a point-of-sale terminal.</summary>
    Pos = 0,

    /// <summary>Card not present (online, mail or telephone order).</summary>
    Ecommerce = 1,
}
