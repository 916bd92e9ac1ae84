namespace EdgeAgent.Mqtt.Embedded;

/// <summary>Why <see cref="IBrokerAccess"/> refused a CONNECT; each maps to the CONNACK code of MQTT 3.1.1 and 5.</summary>
public enum ConnectRefusal
{
    /// <summary>Not refused.</summary>
    None,

    /// <summary>Unknown user or wrong password (MQTT 5 0x86, 3.1.1 return code 4).</summary>
    BadCredentials,

    /// <summary>Known, but not allowed to connect from there or this way (MQTT 5 0x87, 3.1.1 return code 5).</summary>
    NotAuthorized,

    /// <summary>The client id is reserved or does not belong to this identity (MQTT 5 0x85, 3.1.1 return code 2).</summary>
    ClientIdRejected,

    /// <summary>Not checked now: the client should back off and try again (MQTT 5 0x9F, 3.1.1 return code 3).</summary>
    TryLater,
}
