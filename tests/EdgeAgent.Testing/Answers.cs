using System.Text.Json;

namespace EdgeAgent.Testing;

public static class Answers
{
    public static JsonElement Parse(byte[] answer) => JsonDocument.Parse(answer).RootElement;

    public static string Status(byte[] answer) => Parse(answer).GetProperty("status").GetString()!;

    public static IReadOnlyList<string> ErrorCodes(byte[] answer) =>
        Parse(answer).TryGetProperty("errors", out var errors)
            ? errors.EnumerateArray().Select(e => e.GetProperty("code").GetString()!).ToList()
            : [];
}
