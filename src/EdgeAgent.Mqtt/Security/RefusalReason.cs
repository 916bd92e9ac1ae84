namespace EdgeAgent.Mqtt.Security;

/// <summary>Why the broker refused a client something; each is counted (<c>edgeagent.broker.refusals{reason}</c>).</summary>
public enum RefusalReason
{
    /// <summary>A client id the agent keeps for itself (<c>edgeagent-*</c>) or that belongs to a named identity.</summary>
    ReservedClientId,

    /// <summary>A client id that is not the identity's name (or <c>{name}:{suffix}</c>).</summary>
    ClientIdNotAllowed,

    /// <summary>No credentials where credentials are required.</summary>
    Anonymous,

    /// <summary>An unknown user name or a wrong password.</summary>
    BadCredentials,

    /// <summary>A client certificate that does not chain to the store CA, has expired or is not for client authentication.</summary>
    CertificateInvalid,

    /// <summary>Authenticated, but the identities file does not name it.</summary>
    UnknownIdentity,

    /// <summary>A certificate for one identity with the user name of another.</summary>
    IdentityMismatch,

    /// <summary>An identity whose role may not use this broker (the agent's own).</summary>
    RoleNotAllowed,

    /// <summary>A payment published on another terminal's topic.</summary>
    OtherTerminal,

    /// <summary>A publish to a topic the identity may not write (answers, other terminals' space).</summary>
    TopicNotAllowed,

    /// <summary>A retained message: a planted message would reach the next subscriber.</summary>
    Retained,

    /// <summary>A wildcard subscription over the terminals' topics, or <c>#</c>.</summary>
    WildcardSubscription,

    /// <summary>A subscription outside the identity's own decisions and responses.</summary>
    SubscriptionNotAllowed,

    /// <summary>A response topic outside the sender's own prefix.</summary>
    ResponseTopic,

    /// <summary>A password for a user name that just failed from the same address: refused without a check until its back-off ends.</summary>
    PasswordBackoff,
}
