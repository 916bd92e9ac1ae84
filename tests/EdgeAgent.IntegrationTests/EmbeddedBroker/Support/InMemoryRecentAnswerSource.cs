using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Embedded;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

/// <summary>
/// An <see cref="IRecentAnswerSource"/> held in memory: empty after a restart of the process, so it only stands in
/// where no record can answer (tests restart the broker inside one process and keep this object).
/// </summary>
internal sealed class InMemoryRecentAnswerSource : IRecentAnswerSource
{
    private readonly List<RecentAnswer> _answers = [];

    public void Add(RecentAnswer answer)
    {
        lock (_answers)
        {
            _answers.Add(answer);
        }
    }

    public IEnumerable<RecentAnswer> AnswersSince(DateTimeOffset since, int maxCount)
    {
        lock (_answers)
        {
            return _answers.Where(a => a.AnsweredAt >= since).OrderByDescending(a => a.AnsweredAt).Take(maxCount).ToList();
        }
    }
}
