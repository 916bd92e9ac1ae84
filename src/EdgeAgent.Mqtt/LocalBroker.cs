namespace EdgeAgent.Mqtt;

/// <summary>Which broker the agent hosts when no external one is configured (<see cref="MqttOptions.Broker"/>).</summary>
public enum LocalBroker
{
    /// <summary>MQTTnet's server behind the agent's own listener and channel adapter (src/EdgeAgent.Mqtt/Embedded).</summary>
    Embedded,

    /// <summary>MQTTnet's server with its own listener, the agent's rules in its events (src/EdgeAgent.Mqtt/Intercepted).</summary>
    Intercepted,
}
