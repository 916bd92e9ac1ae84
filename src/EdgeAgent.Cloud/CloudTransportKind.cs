namespace EdgeAgent.Cloud;

/// <summary>Where the agent sends what it records (<c>Cloud:Transport</c>).</summary>
public enum CloudTransportKind
{
    /// <summary>Nothing leaves the node; the agent runs without a cloud.</summary>
    None = 0,

    /// <summary>Azure IoT Hub (or IoT Edge's edgeHub) over its MQTT 3.1.1 device and module protocol.</summary>
    IoTHub,

    /// <summary>Any MQTT broker: the same payloads on a configurable topic.</summary>
    Mqtt,
}
