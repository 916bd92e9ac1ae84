namespace EdgeAgent.Telemetry;

/// <summary>How metrics are pushed to an OpenTelemetry collector.</summary>
public enum OtlpTransport
{
    /// <summary>OTLP over gRPC (port 4317).</summary>
    Grpc,

    /// <summary>OTLP over HTTP with protobuf bodies (port 4318).</summary>
    HttpProtobuf,
}
