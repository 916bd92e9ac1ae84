using System.Globalization;
using System.Text;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;

namespace EdgeAgent.Fleet.Http;

/// <summary>
/// The Prometheus text of one silo. Label sets are bounded by configuration, never by what arrives: fleet totals
/// carry no store label; the per-store series are six (<c>up</c>, p99, alert rate, the band's two bounds, score PSI) for each of
/// <c>Fleet:KnownStores</c> and no other store; model labels are capped at <see cref="MaxModels"/> pairs, the rest
/// summed as <c>other</c>; the silo's counters carry only fixed reasons and outcomes. Every silo serves the same
/// view, so the view's series repeat per scraped silo (take <c>max</c> across instances); the counters are the
/// silo's own (take <c>sum</c>).
/// </summary>
internal static class FleetExposition
{
    /// <summary>Most (model, version) pairs exported one by one.</summary>
    public const int MaxModels = 16;

    public static string Write(IReadOnlyList<StoreView> stores, IReadOnlyList<(string Name, string Label, long Value)> totals)
    {
        var text = new StringBuilder(4096);
        Header(text, "edgeagent_fleet_stores", "gauge", "Stores of the fleet by state (online, offline, pending: not heard from since the view started).");
        foreach (var state in new[] { StoreState.Online, StoreState.Offline, StoreState.Pending })
        {
            Sample(text, "edgeagent_fleet_stores", "state", Name(state), stores.Count(s => s.State == state));
        }

        Header(text, "edgeagent_fleet_stores_out_of_band", "gauge", "Online stores whose last snapshot left a band (alert_rate: the model card's or the fleet's; latency: Fleet:P99LimitMs).");
        Sample(text, "edgeagent_fleet_stores_out_of_band", "band", "alert_rate", stores.Count(s => s.State == StoreState.Online && s.AlertRateOutOfBand));
        Sample(text, "edgeagent_fleet_stores_out_of_band", "band", "latency", stores.Count(s => s.State == StoreState.Online && s.LatencyOutOfBand));

        var online = stores.Where(s => s.State == StoreState.Online && s.Last is not null).Select(s => s.Last!).ToList();
        Header(text, "edgeagent_fleet_payments_per_second", "gauge", "Payments per second over the online stores' last snapshots.");
        Sample(text, "edgeagent_fleet_payments_per_second", null, null, online.Sum(s => s.PaymentsPerSecond));
        Header(text, "edgeagent_fleet_cloud_backlog_items", "gauge", "Items waiting in the online stores' cloud buffers.");
        Sample(text, "edgeagent_fleet_cloud_backlog_items", null, null, online.Sum(s => s.BufferUnsent));
        Header(text, "edgeagent_fleet_model_errors", "gauge", "Model errors in the online stores' last snapshot intervals.");
        Sample(text, "edgeagent_fleet_model_errors", null, null, online.Sum(s => s.ModelErrors));

        Header(text, "edgeagent_fleet_stores_by_model", "gauge", $"Online stores by the model they score with (at most {MaxModels} pairs, the rest as other).");
        var models = online.GroupBy(s => (Model: s.Model ?? "none", Version: s.ModelVersion ?? "none"))
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Version, StringComparer.Ordinal).ToList();
        foreach (var model in models.Take(MaxModels))
        {
            text.Append("edgeagent_fleet_stores_by_model{model=\"").Append(Escape(model.Key.Model)).Append("\",version=\"")
                .Append(Escape(model.Key.Version)).Append("\"} ").Append(model.Count().ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        if (models.Count > MaxModels)
        {
            text.Append("edgeagent_fleet_stores_by_model{model=\"other\",version=\"other\"} ")
                .Append(models.Skip(MaxModels).Sum(g => g.Count()).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        Header(text, "edgeagent_fleet_store_up", "gauge", "1 while the store sends snapshots, 0 once it is offline; absent while pending.");
        foreach (var store in stores.Where(s => s.State != StoreState.Pending))
        {
            Sample(text, "edgeagent_fleet_store_up", "store", store.StoreId, store.State == StoreState.Online ? 1 : 0);
        }

        Header(text, "edgeagent_fleet_store_p99_seconds", "gauge", "The store's p99 of the whole path over its last snapshot interval.");
        foreach (var store in stores.Where(s => s.Last?.P99Ms is not null))
        {
            Sample(text, "edgeagent_fleet_store_p99_seconds", "store", store.StoreId, store.Last!.P99Ms!.Value / 1000);
        }

        Header(text, "edgeagent_fleet_store_alert_ratio", "gauge", "The store's review and decline share over its last snapshot interval.");
        foreach (var store in stores.Where(s => s.AlertRate is not null))
        {
            Sample(text, "edgeagent_fleet_store_alert_ratio", "store", store.StoreId, store.AlertRate!.Value);
        }

        Header(text, "edgeagent_fleet_store_alert_band", "gauge", "The alert-rate band the store is judged against (bound low, high): its model card's when its snapshot carries it, else the fleet's.");
        foreach (var store in stores.Where(s => s.Last is not null))
        {
            SampleBound(text, store.StoreId, "low", store.BandLow);
            SampleBound(text, store.StoreId, "high", store.BandHigh);
        }

        Header(text, "edgeagent_fleet_store_score_psi", "gauge", "The population stability index of the store's score against its model card, once its drift window is judged.");
        foreach (var store in stores.Where(s => s.Last?.ScorePsi is not null))
        {
            Sample(text, "edgeagent_fleet_store_score_psi", "store", store.StoreId, store.Last!.ScorePsi!.Value);
        }

        Header(text, "edgeagent_fleet_stores_model_refused", "gauge", "Stores whose last reported properties say their last model request was refused.");
        Sample(text, "edgeagent_fleet_stores_model_refused", null, null, stores.Count(s => s.Report?.RequestOutcome == "refused"));

        foreach (var (name, (label, help, known)) in FleetMetrics.Described)
        {
            Header(text, name, "counter", help);
            var series = totals.Where(t => t.Name == name).ToDictionary(t => t.Label, t => t.Value, StringComparer.Ordinal);
            var labels = label.Length == 0 ? [""] : known.Union(series.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            foreach (var value in labels)
            {
                Sample(text, name, label.Length == 0 ? null : label, label.Length == 0 ? null : value, series.GetValueOrDefault(value));
            }
        }

        return text.ToString();
    }

    private static string Name(StoreState state) => state switch
    {
        StoreState.Online => "online",
        StoreState.Offline => "offline",
        _ => "pending",
    };

    private static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void SampleBound(StringBuilder text, string store, string bound, double sample) =>
        text.Append("edgeagent_fleet_store_alert_band{store=\"").Append(Escape(store)).Append("\",bound=\"").Append(bound).Append("\"} ")
            .Append(sample.ToString("R", CultureInfo.InvariantCulture)).Append('\n');

    private static void Sample(StringBuilder text, string name, string? label, string? value, double sample)
    {
        text.Append(name);
        if (label is not null)
        {
            text.Append('{').Append(label).Append("=\"").Append(Escape(value!)).Append("\"}");
        }

        text.Append(' ').Append(sample.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
