using System.Text.Json.Serialization;
using EdgeAgent.Fleet.Contracts;

namespace EdgeAgent.Fleet.Http;

/// <summary>The fleet's status: counts by state and band, fleet totals, and the silo that answered.</summary>
internal sealed record FleetStatus(
    int Stores,
    int Online,
    int Offline,
    int Pending,
    int AlertRateOutOfBand,
    int LatencyOutOfBand,
    int WithModelErrors,
    double PaymentsPerSecond,
    long CloudBacklogItems,
    int OfflineAfterIntervals,
    double PageRefreshSeconds,
    string Silo,
    DateTimeOffset At)
{
    public static FleetStatus Of(IReadOnlyList<StoreView> stores, Hosting.FleetOptions options, DateTimeOffset at)
    {
        var online = stores.Where(s => s.State == StoreState.Online).ToList();
        return new FleetStatus(
            stores.Count,
            online.Count,
            stores.Count(s => s.State == StoreState.Offline),
            stores.Count(s => s.State == StoreState.Pending),
            online.Count(s => s.AlertRateOutOfBand),
            online.Count(s => s.LatencyOutOfBand),
            online.Count(s => s.Last?.ModelErrors > 0),
            Math.Round(online.Sum(s => s.Last?.PaymentsPerSecond ?? 0), 3),
            online.Sum(s => s.Last?.BufferUnsent ?? 0),
            options.OfflineAfterIntervals,
            options.PageRefresh.TotalSeconds,
            $"{options.AdvertisedAddress}:{options.SiloPort}",
            at);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(IReadOnlyList<StoreView>))]
[JsonSerializable(typeof(FleetStatus))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(RolloutStatus))]
[JsonSerializable(typeof(RolloutAnswer))]
[JsonSerializable(typeof(RolloutCommandRequest))]
internal sealed partial class FleetJson : JsonSerializerContext;

internal sealed record ApiError(string Error);

/// <summary>The body of a rollout command: the model to start (and its canary), or why a rollback is asked for.</summary>
internal sealed record RolloutCommandRequest(string? Name, string? Version, string? Sha256, string? Url, string? Canary, string? Reason);
