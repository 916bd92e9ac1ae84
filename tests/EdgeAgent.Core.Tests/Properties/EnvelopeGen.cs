using CsCheck;

namespace EdgeAgent.Core.Tests.Properties;

/// <summary>What a client controls around a payload, at random: the topic and the MQTT 5 properties, QoS and retain.</summary>
internal sealed record Envelope(
    string Topic,
    bool TopicUsable,
    string? ResponseTopic,
    byte[]? CorrelationData,
    string? ContentType,
    int UserPropertyCount,
    int UserPropertyBytes,
    int Qos,
    bool Retain);

/// <summary>Generators of <see cref="Envelope"/>s: mostly usable, with every kind of property a terminal should not send.</summary>
internal static class EnvelopeGen
{
    private static readonly Gen<string> Id = Gen.String[Gen.Char["abcXYZ019_-"], 1, 10];

    /// <summary>A topic, and whether it is a payments topic an answer can be addressed from (known by construction).</summary>
    private static readonly Gen<(string Topic, bool Usable)> Topic = Gen.Select(Id, Id, Gen.Int[0, 14]).Select((store, terminal, kind) => kind switch
    {
        < 8 => ($"pos/{store}/{terminal}/payments", true),
        8 => ($"pos/{store}/{terminal}/payments/more", false),
        9 => ($"pos/{store}/{terminal}", false),
        10 => ($"other/{store}/{terminal}/payments", false),
        11 => ($"pos/{new string('s', 65)}/{terminal}/payments", false),
        12 => ("pos/4111111111111111/t1/payments", false),
        13 => ($"pos/{store}\0/{terminal}/payments", false),
        _ => ($"pos/{store}#/{terminal}/payments", false),
    });

    private static readonly Gen<string?> ResponseTopicSuffix = Gen.OneOf<string?>(
        null, "", "r1", "#", "+", "a/#", "+/x", "x\0y", "caf\u00e9", "\ud800", "a//b", new string('r', 300), "4111111111111111");

    public static readonly Gen<Envelope> Envelope =
        Gen.Select(Topic, Gen.Int[0, 6], ResponseTopicSuffix, Gen.Byte.Array[0, 200], Gen.Int[0, 5], Gen.Int[0, 40], Gen.Int[0, 3000], Gen.Int[0, 10])
            .Select((topic, responseKind, suffix, correlation, contentKind, userCount, userBytes, flags) =>
            {
                var terminal = topic.Topic[..Math.Max(0, topic.Topic.LastIndexOf('/'))];
                var responseTopic = responseKind switch
                {
                    0 => null,
                    1 => terminal + "/decisions",
                    2 or 3 => suffix is null ? null : terminal + "/responses/" + suffix,
                    4 => "$SYS/" + suffix,
                    5 => "pos/other-store/t9/responses/" + suffix,
                    _ => suffix,
                };
                var contentType = contentKind switch
                {
                    0 or 1 => null,
                    2 => "application/json",
                    3 => "Application/JSON; charset=utf-8",
                    4 => "text/plain",
                    _ => "\0\ud800",
                };
                return new Envelope(
                    topic.Topic,
                    topic.Usable,
                    responseTopic,
                    correlation.Length % 3 == 0 ? null : correlation,
                    contentType,
                    userCount % 2 == 0 ? 0 : userCount,
                    userCount % 2 == 0 ? 0 : userBytes,
                    flags switch { 0 => 0, 1 => 2, _ => 1 },
                    flags == 3);
            });
}
