namespace EdgeAgent.Mqtt.Security;

/// <summary>What an authenticated client may do on the terminals' broker.</summary>
public enum TerminalRole
{
    /// <summary>One store's terminal: publishes its own payments, reads its own decisions and responses.</summary>
    Terminal,

    /// <summary>Reads decisions of every terminal (a store's monitoring); publishes nothing.</summary>
    Operator,

    /// <summary>The agent itself at an external broker (mosquitto). Never accepted by the embedded broker.</summary>
    Agent,

    /// <summary>
    /// A client without credentials where that is allowed (loopback, or <see cref="MqttOptions.AllowInsecure"/>): the
    /// quick start and local tools. It may act as any terminal, but not publish retained messages, answers or wildcard
    /// subscriptions over the terminals' topics.
    /// </summary>
    Local,
}
