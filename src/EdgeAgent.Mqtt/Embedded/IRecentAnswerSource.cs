namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The answers given in the last minutes, as recorded: read once when the embedded broker starts, so that an answer
/// lost with the broker's sessions in a crash still reaches its terminal when it subscribes again. The record is the
/// natural implementation; an in-memory one stands in where there is none.
/// </summary>
public interface IRecentAnswerSource
{
    /// <summary>
    /// The newest answers given at or after <paramref name="since"/>, at most <paramref name="maxCount"/> of them, in any
    /// order. Called once at start, before the broker accepts connections; it may stream from storage.
    /// </summary>
    IEnumerable<RecentAnswer> AnswersSince(DateTimeOffset since, int maxCount);
}
