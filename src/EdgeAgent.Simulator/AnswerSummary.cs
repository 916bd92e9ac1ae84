using System.Text.Json;

namespace EdgeAgent.Simulator;

/// <summary>The fields of an agent's answer that the simulator tallies; <c>Score</c> is null when the answer has none (a refusal, the fallback).</summary>
public readonly record struct AnswerSummary(string Status, string? Decision, double? Score = null)
{
    /// <summary>Reads status and decision from an answer; <c>unreadable</c> when it is not the agent's JSON.</summary>
    public static AnswerSummary Read(ReadOnlySpan<byte> answer)
    {
        try
        {
            var reader = new Utf8JsonReader(answer);
            string? status = null, decision = null;
            double? score = null;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    var isStatus = reader.ValueTextEquals("status"u8);
                    var isDecision = reader.ValueTextEquals("decision"u8);
                    var isScore = reader.ValueTextEquals("score"u8);
                    reader.Read();
                    if (isStatus)
                    {
                        status = reader.GetString();
                    }
                    else if (isDecision)
                    {
                        decision = reader.GetString();
                    }
                    else if (isScore && reader.TokenType == JsonTokenType.Number)
                    {
                        score = reader.GetDouble();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }

            return new AnswerSummary(status ?? "unreadable", decision, score);
        }
        catch (JsonException)
        {
            return new AnswerSummary("unreadable", null);
        }
    }
}
