namespace EdgeAgent.Cloud.Transport;

/// <summary>
/// One message to the cloud: a JSON batch of one stream, gzip-compressed unless it holds alerts
/// (<see cref="EdgeAgent.Shared.Uplink.UplinkPayload"/>). <see cref="MessageId"/> is derived from the stream and the
/// ids of what it holds, so a resend after a failure or a restart carries the same id and the cloud can drop it.
/// </summary>
/// <param name="Stream">What it carries.</param>
/// <param name="MessageId">Stable id (<c>$.mid</c> at IoT Hub).</param>
/// <param name="Body">UTF-8 JSON, gzip-compressed when <paramref name="Compressed"/>.</param>
/// <param name="First">Id of the first item (a record's sequence number, a snapshot's number).</param>
/// <param name="Last">Id of the last item.</param>
/// <param name="Count">Items in the message.</param>
/// <param name="Compressed">Whether <paramref name="Body"/> is gzip.</param>
public sealed record CloudMessage(CloudStream Stream, string MessageId, byte[] Body, long First, long Last, int Count, bool Compressed = false)
{
    public const string ContentType = "application/json";

    /// <summary>The content encoding (<c>$.ce</c> at IoT Hub): <c>gzip</c> or <c>utf-8</c>.</summary>
    public string ContentEncoding => Compressed ? EdgeAgent.Shared.Uplink.UplinkPayload.Gzip : EdgeAgent.Shared.Uplink.UplinkPayload.Utf8;

    /// <summary>The message-type property: <c>records</c>, <c>alerts</c> or <c>metrics</c>.</summary>
    public string Type => TypeName(Stream);

    public static string TypeName(CloudStream stream) => stream switch
    {
        CloudStream.Records => "records",
        CloudStream.Alerts => "alerts",
        _ => "metrics",
    };
}
