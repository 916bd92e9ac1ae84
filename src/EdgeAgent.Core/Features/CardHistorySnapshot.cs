using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Features;

/// <summary>The persisted form of a <see cref="CardHistory"/>, written in the same transaction as the outcome that changed it.</summary>
public sealed record CardHistorySnapshot(
    string CardToken,
    long Count,
    double Mean,
    double M2,
    long LastUnixMs,
    GeoPoint? LastLocation,
    RecentPayment[] Recent);
