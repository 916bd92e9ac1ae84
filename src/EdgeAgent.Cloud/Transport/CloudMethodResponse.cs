namespace EdgeAgent.Cloud.Transport;

/// <summary>The answer to a direct method: an HTTP-like status and a JSON body.</summary>
public sealed record CloudMethodResponse(int Status, byte[] Body)
{
    public static CloudMethodResponse Error(int status, string message)
    {
        using var buffer = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("error", message);
            json.WriteEndObject();
        }

        return new CloudMethodResponse(status, buffer.ToArray());
    }
}
