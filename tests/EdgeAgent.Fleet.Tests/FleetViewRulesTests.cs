using System.Text;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;
using EdgeAgent.Fleet.Http;
using EdgeAgent.Fleet.View;

namespace EdgeAgent.Fleet.Tests;

/// <summary>The fleet view's rules without I/O: reading a metrics message, judging a store, the exposition's bounds.</summary>
public sealed class FleetViewRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_model_cards_band_when_the_snapshot_carries_it_else_the_fleets()
    {
        var options = new FleetOptions { KnownStores = ["s1"] };

        // 2 of 40 flagged: 5 %, inside the fleet's default band, above this card's hourly 1-3 %.
        var withCard = Read(Message("s1", Item(scored: 40, review: 1, decline: 1, drift: """{"scorePsi":0.31,"band":{"expected":0.02,"hourlyLow":0.01,"hourlyHigh":0.03}}""")))!;
        var withoutCard = Read(Message("s1", Item(scored: 40, review: 1, decline: 1)))!;

        var judged = StoreJudge.Judge("s1", withCard, Now, Now, options);
        Assert.True(judged.BandFromModelCard);
        Assert.Equal(0.05, judged.AlertRate!.Value, 9);
        Assert.True(judged.AlertRateOutOfBand);
        Assert.Equal(0.31, withCard.ScorePsi);

        var byDefault = StoreJudge.Judge("s1", withoutCard, Now, Now, options);
        Assert.False(byDefault.BandFromModelCard);
        Assert.False(byDefault.AlertRateOutOfBand);
        Assert.Null(withoutCard.ScorePsi);
    }

    [Fact]
    public void Too_few_payments_are_shown_not_judged()
    {
        var snapshot = Read(Message("s1", Item(scored: 4, review: 0, decline: 4)))!;

        var view = StoreJudge.Judge("s1", snapshot, Now, Now, new FleetOptions { MinScoredForAlertRate = 20 });

        Assert.Equal(1.0, view.AlertRate);
        Assert.False(view.AlertRateOutOfBand);
    }

    [Fact]
    public void Offline_after_the_set_number_of_the_stores_own_intervals_and_pending_until_a_store_would_have_spoken()
    {
        var options = new FleetOptions { OfflineAfterIntervals = 3, SnapshotInterval = TimeSpan.FromSeconds(60) };
        var snapshot = Read(Message("s1", Item(scored: 40, review: 0, decline: 0, interval: 10)))! with { ReceivedAt = Now };

        Assert.Equal(StoreState.Online, StoreJudge.Judge("s1", snapshot, Now.AddSeconds(29.9), Now, options).State);
        Assert.Equal(StoreState.Offline, StoreJudge.Judge("s1", snapshot, Now.AddSeconds(30.1), Now, options).State);

        // Never heard of since the view started: pending for three of the fleet's intervals, then offline.
        Assert.Equal(StoreState.Pending, StoreJudge.Judge("s2", null, Now.AddSeconds(179), Now, options).State);
        Assert.Equal(StoreState.Offline, StoreJudge.Judge("s2", null, Now.AddSeconds(181), Now, options).State);
    }

    [Fact]
    public void Worst_first_offline_then_out_of_band_then_pending_then_the_rest()
    {
        var options = new FleetOptions();
        var fine = Read(Message("x", Item(scored: 40, review: 1, decline: 0)))! with { ReceivedAt = Now };
        var flagged = Read(Message("x", Item(scored: 40, review: 20, decline: 0)))! with { ReceivedAt = Now };
        var views = new[]
        {
            StoreJudge.Judge("a-fine", fine with { StoreId = "a-fine" }, Now, Now, options),
            StoreJudge.Judge("b-pending", null, Now, Now, options),
            StoreJudge.Judge("c-flagged", flagged with { StoreId = "c-flagged" }, Now, Now, options),
            StoreJudge.Judge("d-silent", fine with { StoreId = "d-silent", ReceivedAt = Now.AddHours(-1) }, Now, Now, options),
        };

        Assert.Equal(["d-silent", "c-flagged", "b-pending", "a-fine"], StoreJudge.WorstFirst(views).Select(v => v.StoreId).ToArray());
    }

    [Fact]
    public void A_later_snapshot_replaces_the_last_by_time_or_by_number_and_an_old_one_does_not()
    {
        var last = Read(Message("s1", Item(40, 0, 0, at: "2026-12-06T12:00:00Z", id: 10)))!;

        Assert.True(StoreJudge.Replaces(last, Read(Message("s1", Item(40, 0, 0, at: "2026-12-06T12:01:00Z", id: 11)))!));

        // The agent's clock set back an hour: its numbering still goes on.
        Assert.True(StoreJudge.Replaces(last, Read(Message("s1", Item(40, 0, 0, at: "2026-12-06T11:01:00Z", id: 11)))!));

        // A snapshot of before, sent again from the agent's buffer after an outage.
        Assert.False(StoreJudge.Replaces(last, Read(Message("s1", Item(40, 0, 0, at: "2026-12-06T11:59:00Z", id: 9)))!));
    }

    [Fact]
    public void Within_a_database_its_numbering_decides_and_a_new_database_replaces_the_last_unless_it_was_replaced_itself()
    {
        var last = Read(Message("s1", Item(40, 0, 0, at: "2026-12-06T12:00:00Z", id: 10), epoch: "db1"))!;
        Assert.Equal("db1", last.Epoch);

        // Same database: a later number replaces whatever the clock says; an earlier one never, even with a later time.
        Assert.True(StoreJudge.Replaces(last, Read(Message("s1", Item(40, 0, 0, at: "2026-12-06T11:00:00Z", id: 11), epoch: "db1"))!));
        Assert.False(StoreJudge.Replaces(last, Read(Message("s1", Item(40, 0, 0, at: "2026-12-06T13:00:00Z", id: 9), epoch: "db1"))!));

        // A new database, numbered from 1 again, its clock set back: it replaces the last.
        var fresh = Read(Message("s1", Item(40, 0, 0, at: "2026-12-06T11:00:00Z", id: 1), epoch: "db2"))!;
        Assert.True(StoreJudge.Replaces(last, fresh));

        // Once db1 gave way to db2, a late copy of db1's message does not take the view back, later as it looks.
        Assert.False(StoreJudge.Replaces(fresh, Read(Message("s1", Item(40, 0, 0, at: "2026-12-06T12:05:00Z", id: 12), epoch: "db1"))!, epoch => epoch == "db1"));

        // An agent that sends no epoch: the clock or the numbering, as before.
        var plain = Read(Message("s1", Item(40, 0, 0, at: "2026-12-06T12:00:00Z", id: 10), epoch: "db1").Replace("\"epoch\":\"db1\",", "", StringComparison.Ordinal))!;
        Assert.Null(plain.Epoch);
        Assert.True(StoreJudge.Replaces(plain, Read(Message("s1", Item(40, 0, 0, at: "2026-12-06T12:01:00Z", id: 1), epoch: "db2"))!));
        Assert.False(StoreJudge.Replaces(plain, Read(Message("s1", Item(40, 0, 0, at: "2026-12-06T11:01:00Z", id: 1), epoch: "db2"))!));
    }

    [Fact]
    public async Task The_view_remembers_a_replaced_database_for_one_interval_and_a_few_of_them_a_store()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now);
        var options = new FleetOptions { KnownStores = ["s1"], SnapshotInterval = TimeSpan.FromSeconds(60) };
        var view = new FleetViewGrain(Microsoft.Extensions.Options.Options.Create(options), clock);
        StoreSnapshot Snapshot(string epoch, long id) => Read(Message("s1", Item(40, 0, 0, id: id), epoch))!;
        async Task<string?> ShownAsync() => (await view.StoreAsync("s1"))!.Last!.Epoch;

        await view.RecordAsync(Snapshot("db1", 7));
        await view.RecordAsync(Snapshot("db2", 1));
        Assert.Equal("db2", await ShownAsync());

        // A late copy of db1 within the interval is not taken; after it, db1 is a database like any other again.
        await view.RecordAsync(Snapshot("db1", 8));
        Assert.Equal("db2", await ShownAsync());
        clock.Advance(TimeSpan.FromSeconds(61));
        await view.RecordAsync(Snapshot("db1", 8));
        Assert.Equal("db1", await ShownAsync());

        // A store that changes its database at every message: the view keeps the last 8 it replaced, no more.
        for (var i = 0; i < 100; i++)
        {
            await view.RecordAsync(Snapshot("flip-" + i, 1));
        }

        await view.RecordAsync(Snapshot("flip-91", 2));
        Assert.Equal("flip-99", await ShownAsync());
        await view.RecordAsync(Snapshot("flip-90", 2));
        Assert.Equal("flip-90", await ShownAsync());
    }

    [Fact]
    public void Of_several_snapshots_in_one_message_the_highest_number_is_the_newest_whatever_their_clock()
    {
        var message = $$"""{"type":"metrics","source":"s1","epoch":"db1","first":4,"last":5,"count":2,"items":[{{Item(40, 0, 0, at: "2026-12-06T12:00:00Z", id: 4)}},{{Item(41, 0, 0, at: "2026-12-06T11:00:00Z", id: 5)}}]}""";

        var newest = Read(message)!;

        Assert.Equal(5, newest.Id);
        Assert.Equal(41, newest.Scored);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"type":"records","source":"s1","items":[]}""")]
    [InlineData("""{"type":"metrics","source":"s1","items":[]}""")]
    [InlineData("""{"type":"metrics","source":"s1","items":[{"id":1}]}""")]
    [InlineData("""{"type":"metrics","source":"s1","items":[{"id":1,"at":"2026-12-06T12:00:00Z","intervalSeconds":-1,"throughputPerSecond":1,"events":{"scored":1},"decisions":{}}]}""")]
    [InlineData("""{"type":"metrics","source":"s1","items":[{"id":1,"at":"2026-12-06T12:00:00Z","intervalSeconds":1,"throughputPerSecond":1,"events":{"scored":1},"decisions":{"decline":5}}]}""")]
    [InlineData("""{"type":"metrics","source":"s1","items":[{"id":1,"at":"yesterday","intervalSeconds":1,"throughputPerSecond":1,"events":{"scored":1},"decisions":{}}]}""")]
    public void Malformed_messages_are_not_read(string payload)
    {
        Assert.Null(SnapshotReader.Read(Encoding.UTF8.GetBytes(payload), "s1", Now, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Nesting_beyond_the_limit_is_not_read()
    {
        var deep = new string('[', 200) + new string(']', 200);
        var payload = $$"""{"type":"metrics","source":"s1","items":{{deep}}}""";

        Assert.Null(SnapshotReader.Read(Encoding.UTF8.GetBytes(payload), "s1", Now, out _, out _));
    }

    [Fact]
    public void The_newest_snapshot_of_a_message_is_kept_and_its_source_given()
    {
        var payload = $$"""{"type":"metrics","source":"s9","epoch":"e","first":1,"last":2,"count":2,"items":[{{Item(40, 0, 0, at: "2026-12-06T12:00:02Z", id: 2)}},{{Item(40, 0, 0, at: "2026-12-06T12:00:01Z", id: 1)}}]}""";

        var snapshot = SnapshotReader.Read(Encoding.UTF8.GetBytes(payload), "s1", Now, out var source, out _)!;

        Assert.Equal("s9", source);
        Assert.Equal(2, snapshot.Id);
        Assert.Equal("s1", snapshot.StoreId);
    }

    [Fact]
    public void The_exposition_is_bounded_by_the_known_stores_and_the_model_cap()
    {
        var options = new FleetOptions();
        var stores = Enumerable.Range(0, 40).Select(i =>
        {
            var snapshot = Read(Message("x", Item(40, 1, 0)))! with { StoreId = $"s{i}", ReceivedAt = Now, Model = $"m{i % 20}", ModelVersion = "1" };
            return StoreJudge.Judge($"s{i}", snapshot, Now, Now, options);
        }).ToList();

        var text = FleetExposition.Write(stores, [(FleetMetrics.SnapshotRefusals, "malformed", 3)]);
        var lines = text.Split('\n');

        Assert.Equal(40, lines.Count(l => l.StartsWith("edgeagent_fleet_store_up{", StringComparison.Ordinal)));
        Assert.Equal(40, lines.Count(l => l.StartsWith("edgeagent_fleet_store_alert_ratio{", StringComparison.Ordinal)));
        Assert.Equal(80, lines.Count(l => l.StartsWith("edgeagent_fleet_store_alert_band{", StringComparison.Ordinal)));
        Assert.Contains("edgeagent_fleet_store_alert_band{store=\"s0\",bound=\"high\"} 0.15", lines);
        Assert.Equal(FleetExposition.MaxModels + 1, lines.Count(l => l.StartsWith("edgeagent_fleet_stores_by_model{", StringComparison.Ordinal)));
        Assert.Contains("edgeagent_fleet_stores_by_model{model=\"other\",version=\"other\"} 8", lines);
        Assert.Contains("edgeagent_fleet_snapshot_refusals_total{reason=\"malformed\"} 3", lines);
        Assert.Contains("edgeagent_fleet_snapshot_refusals_total{reason=\"unknown_store\"} 0", lines);
    }

    [Fact]
    public void A_report_gives_its_desired_version_and_last_model_request_with_names_cut_short()
    {
        var detail = new string('x', 500);
        var payload = $$"""
            {"agent":{"version":"1.0.0","model":"fraud-gbt","modelVersion":"1.0.0","provider":"Cpu","modelStatus":"refused"},
             "settings":{"metricsIntervalSeconds":2},"desired":{"version":1765000000123,"errors":"model: bad signature"},
             "model":{"card":"fraud-gbt-1.0.0","name":"fraud-gbt","version":"1.0.0","signedBy":"k1",
              "request":{"card":"fraud-gbt-1.3.0","sha256":"ABCDEF","url":"http://fleet/models/x","outcome":"refused","reason":"bad_signature","detail":"{{detail}}","at":"2026-12-06T12:00:00Z"} } }
            """;

        var report = ReportReader.Read(Encoding.UTF8.GetBytes(payload), "s1", Now, out var error)!;

        Assert.Null(error);
        Assert.Equal(("s1", 1765000000123L, "fraud-gbt-1.0.0"), (report.StoreId, report.DesiredVersion, report.ActiveCard));
        Assert.Equal(("fraud-gbt-1.3.0", "abcdef", "refused", "bad_signature"), (report.RequestCard, report.RequestSha256, report.RequestOutcome, report.RefusalReason));
        Assert.Equal(200, report.RefusalDetail!.Length);

        // Not a report: no desired version, not JSON.
        Assert.Null(ReportReader.Read("{\"agent\":{}}"u8, "s1", Now, out error));
        Assert.NotNull(error);
        Assert.Null(ReportReader.Read("{\"desired\":"u8, "s1", Now, out error));
        Assert.NotNull(error);
    }

    private static StoreSnapshot? Read(string message) =>
        SnapshotReader.Read(Encoding.UTF8.GetBytes(message), "s1", Now, out _, out _);

    private static string Message(string source, string item, string epoch = "e") =>
        $$"""{"type":"metrics","source":"{{source}}","epoch":"{{epoch}}","first":1,"last":1,"count":1,"items":[{{item}}]}""";

    private static string Item(long scored, long review, long decline, string? drift = null, double interval = 1, string at = "2026-12-06T12:00:00Z", long id = 1) =>
        $$$"""
        {"id":{{{id}}},"at":"{{{at}}}","intervalSeconds":{{{interval}}},"agent":{"version":"1.0.0","model":"m","modelVersion":"1","provider":"Cpu"},
         "events":{"received":{{{scored}}},"scored":{{{scored}}},"rejected":0,"duplicates":0,"acknowledged":{{{scored}}},"modelErrors":0,"answerFailures":0},
         "decisions":{"approve":{{{scored - review - decline}}},"review":{{{review}}},"decline":{{{decline}}}},"rejections":{},
         "throughputPerSecond":{{{scored}}},"latencyMs":{"request":{"count":{{{scored}}},"mean":3,"p50":3,"p90":4,"p99":5}},
         "buffer":{"connected":true,"unsent":{"records":3,"alerts":0,"metrics":1},"oldestUnsentAgeSeconds":1.5}{{{(drift is null ? "" : ",\"drift\":" + drift)}}}}
        """;
}
