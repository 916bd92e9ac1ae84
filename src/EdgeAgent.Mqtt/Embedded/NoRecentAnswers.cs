namespace EdgeAgent.Mqtt.Embedded;

/// <summary>A broker with no record behind it (the echo baseline) has no earlier answers to offer.</summary>
public sealed class NoRecentAnswers : IRecentAnswerSource
{
    public IEnumerable<RecentAnswer> AnswersSince(DateTimeOffset since, int maxCount) => [];
}
