using EdgeAgent.Mqtt.Embedded;
using EdgeAgent.Storage;

namespace EdgeAgent.Hosting;

/// <summary>The recent answers a restarted embedded broker offers resubscribing terminals, read from the record.</summary>
internal sealed class RecordAnswerSource(LiteDbOutcomeStore store) : IRecentAnswerSource
{
    public IEnumerable<RecentAnswer> AnswersSince(DateTimeOffset since, int maxCount) =>
        store.RecentAnswers(since, maxCount).Select(a => new RecentAnswer(a.Topic, a.Correlation, a.Answer, a.At));
}
