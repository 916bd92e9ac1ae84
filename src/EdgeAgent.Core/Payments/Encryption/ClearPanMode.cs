namespace EdgeAgent.Core.Payments.Encryption;

/// <summary>Where a card number in clear (digits in <c>pan</c>) is accepted; an encrypted one is accepted everywhere.</summary>
public enum ClearPanMode
{
    /// <summary>
    /// Only over loopback: from a terminal the embedded broker sees connecting from a loopback address, or through an
    /// external broker the agent reaches on a loopback address (a broker on the same machine, as in development).
    /// </summary>
    Loopback = 0,

    /// <summary>From anywhere (a trial on a network whose brokers keep nothing).</summary>
    Allow,

    /// <summary>Never: every terminal encrypts the card number (the setting of the shipped mosquitto deployments).</summary>
    Refuse,
}
