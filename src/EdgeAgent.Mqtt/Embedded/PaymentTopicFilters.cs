namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Whether a subscription could ever match a payment topic (anything under the root ending in <c>/payments</c>, as
/// <see cref="PaymentTopics.IsPaymentTopic"/> says). Payments are never routed, so such a subscription would receive
/// nothing; it is refused all the same, so that <c>#</c>, <c>pos/#</c> or <c>pos/+/+/+</c> say plainly that card data
/// is not to be read here.
/// </summary>
public sealed class PaymentTopicFilters
{
    private const string SharedPrefix = "$share/";
    private readonly string[] _rootLevels;

    public PaymentTopicFilters(string topicRoot)
    {
        _rootLevels = topicRoot.Split('/');
    }

    public bool CanMatchPayment(string topicFilter)
    {
        var filter = topicFilter;
        if (filter.StartsWith(SharedPrefix, StringComparison.Ordinal))
        {
            // $share/{group}/{filter}: the filter proper starts after the group.
            var groupEnd = filter.IndexOf('/', SharedPrefix.Length);
            if (groupEnd < 0)
            {
                return false;
            }

            filter = filter[(groupEnd + 1)..];
        }

        var levels = filter.Split('/');
        for (var i = 0; i < _rootLevels.Length; i++)
        {
            if (i == levels.Length)
            {
                return false; // ends above the root: matches no topic under it
            }

            if (levels[i] == "#")
            {
                return true;
            }

            if (levels[i] != "+" && levels[i] != _rootLevels[i])
            {
                return false;
            }
        }

        // A payment topic is the root, any levels, then "payments". The rest of the filter can reach that last level when
        // it ends in '#' (which also matches zero levels), or when its last level is '+' or "payments".
        if (levels.Length == _rootLevels.Length)
        {
            return false;
        }

        var last = levels[^1];
        return last is "#" or "+" or "payments";
    }
}
