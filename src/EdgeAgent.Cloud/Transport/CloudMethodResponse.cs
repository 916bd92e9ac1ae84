namespace EdgeAgent.Cloud.Transport;

/// <summary>The answer to a direct method: an HTTP-like status and a JSON body.</summary>
public sealed record CloudMethodResponse(int Status, byte[] Body)
{
    public static CloudMethodResponse Error(int status, string message) =>
        new(status, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new MethodError(message), Telemetry.CloudJson.Default.MethodError));
}

/// <summary>The body of a method that failed.</summary>
public sealed record MethodError(string Error);
