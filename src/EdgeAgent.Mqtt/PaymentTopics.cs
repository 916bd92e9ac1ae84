namespace EdgeAgent.Mqtt;

/// <summary>Topic filters of the terminal contract.</summary>
public static class PaymentTopics
{
    /// <summary><c>{root}/+/+/payments</c>.</summary>
    public static string Filter(string root) => root + "/+/+/payments";

    /// <summary><c>$share/{group}/{root}/+/+/payments</c>, or the plain filter when no group is set.</summary>
    public static string Subscription(string root, string sharedGroup) =>
        string.IsNullOrEmpty(sharedGroup) ? Filter(root) : "$share/" + sharedGroup + "/" + Filter(root);

    /// <summary>
    /// True for anything under the root that ends in <c>/payments</c>, including malformed ones
    /// (<c>pos/x/payments</c>): those reach the pipeline to be answered with a clear rejection, never routed on.
    /// </summary>
    public static bool IsPaymentTopic(string topic, string root) =>
        topic.Length > root.Length + 1 && topic.StartsWith(root, StringComparison.Ordinal) && topic[root.Length] == '/'
        && topic.EndsWith("/payments", StringComparison.Ordinal);
}
