using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Cloud.Transport;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;
using EdgeAgent.Fleet.Rollout;
using EdgeAgent.Fleet.View;

namespace EdgeAgent.Fleet.Tests;

/// <summary>A rollout's rings, its gate's verdict on one store, and the desired document's signature as the agent checks it.</summary>
public sealed class RolloutPlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly RolloutModel Model = new("fraud-gbt", "1.1.0", new string('a', 64), "http://fleet/models/fraud-gbt-1.1.0.card.json");

    [Fact]
    public void One_canary_then_a_share_then_the_rest_without_empty_rings()
    {
        string[] five = ["s1", "s2", "s3", "s4", "s5"];
        var rings = RolloutPlan.Rings(five, "s3", 25);
        Assert.Equal([["s3"], ["s1"], ["s2", "s4", "s5"]], rings);
        Assert.Equal([["s1"], ["s2"], ["s3", "s4", "s5"]], RolloutPlan.Rings(five, "s1", 1));
        Assert.Equal([["s1"], ["s2"]], RolloutPlan.Rings(["s1", "s2"], "s1", 50));
        Assert.Equal([["s1"]], RolloutPlan.Rings(["s1"], "s1", 25));
        Assert.Equal(five.Order(), RolloutPlan.Rings(five, "s5", 60).SelectMany(r => r).Order());
    }

    [Fact]
    public void The_gate_fails_a_store_whose_report_refuses_this_assignment_and_no_other()
    {
        var options = new FleetOptions();
        var online = StoreJudge.Judge("s1", new StoreSnapshot
        {
            StoreId = "s1",
            Id = 3,
            At = Now,
            ReceivedAt = Now,
            IntervalSeconds = 1,
            Model = "fraud-gbt",
            ModelVersion = "1.0.0",
        }, Now, Now - TimeSpan.FromHours(1), options);
        var refused = new StoreReport
        {
            StoreId = "s1",
            DesiredVersion = 500,
            RequestCard = "fraud-gbt-1.1.0",
            RequestSha256 = Model.Sha256,
            RequestOutcome = "refused",
            RefusalReason = "bad_signature",
            RefusalDetail = "the card's signature does not verify",
        };

        var judged = RolloutPlan.Judge(online with { Report = refused }, Model, Now, "s1", desiredVersion: 500);
        Assert.Equal((RolloutPlan.Fail, "refused (bad_signature): the card's signature does not verify"), (judged.Verdict, judged.Why));

        // A refusal of an earlier assignment (a lower desired version), of another model or of other bytes, or a model
        // taken, is not this assignment's: the store is waited for.
        Assert.Equal(RolloutPlan.Wait, RolloutPlan.Judge(online with { Report = refused }, Model, Now, "s1", desiredVersion: 501).Verdict);
        Assert.Equal(RolloutPlan.Wait, RolloutPlan.Judge(online with { Report = refused with { RequestCard = "fraud-gbt-1.2.0" } }, Model, Now, "s1", desiredVersion: 500).Verdict);
        Assert.Equal(RolloutPlan.Wait, RolloutPlan.Judge(online with { Report = refused with { RequestSha256 = new string('b', 64) } }, Model, Now, "s1", desiredVersion: 500).Verdict);
        Assert.Equal(RolloutPlan.Wait, RolloutPlan.Judge(online with { Report = refused with { RequestOutcome = "active" } }, Model, Now, "s1", desiredVersion: 500).Verdict);
    }

    [Fact]
    public void The_gate_fails_a_store_out_of_band_on_the_new_version_and_waits_for_one_offline_or_still_on_the_old()
    {
        var options = new FleetOptions { MinScoredForAlertRate = 20, P99LimitMs = 250 };
        var assignedAt = Now - TimeSpan.FromSeconds(30);
        StoreView View(string version, long scored, long flagged, double p99 = 5, long errors = 0, DateTimeOffset? received = null) =>
            StoreJudge.Judge("s1", new StoreSnapshot
            {
                StoreId = "s1",
                Id = 9,
                At = received ?? Now,
                ReceivedAt = received ?? Now,
                IntervalSeconds = 1,
                Scored = scored,
                Flagged = flagged,
                P99Ms = p99,
                ModelErrors = errors,
                Model = "fraud-gbt",
                ModelVersion = version,
            }, Now, Now - TimeSpan.FromHours(1), options);

        Assert.Equal(RolloutPlan.Pass, RolloutPlan.Judge(View("1.1.0", 40, 1), Model, assignedAt, "s1").Verdict);
        var declinesAll = RolloutPlan.Judge(View("1.1.0", 40, 40), Model, assignedAt, "s1");
        Assert.Equal(RolloutPlan.Fail, declinesAll.Verdict);
        Assert.Equal(1.0, declinesAll.AlertRate);
        Assert.Equal(RolloutPlan.Fail, RolloutPlan.Judge(View("1.1.0", 40, 1, p99: 400), Model, assignedAt, "s1").Verdict);
        Assert.Equal(RolloutPlan.Fail, RolloutPlan.Judge(View("1.1.0", 40, 1, errors: 2), Model, assignedAt, "s1").Verdict);

        // Too few payments to judge a share: passed on version, errors and latency.
        Assert.Equal(RolloutPlan.Pass, RolloutPlan.Judge(View("1.1.0", 3, 3), Model, assignedAt, "s1").Verdict);

        // Still on the old version (the agent refused the new one, or has not switched yet): its bands are not the new model's.
        Assert.Equal(RolloutPlan.Wait, RolloutPlan.Judge(View("1.0.0", 40, 40), Model, assignedAt, "s1").Verdict);

        // Offline: its last snapshot is long gone.
        var offline = View("1.1.0", 40, 1, received: Now - TimeSpan.FromMinutes(5));
        Assert.Equal(StoreState.Offline, offline.State);
        Assert.Equal(RolloutPlan.Wait, RolloutPlan.Judge(offline, Model, Now - TimeSpan.FromMinutes(10), "s1").Verdict);
        Assert.Equal(RolloutPlan.Wait, RolloutPlan.Judge(null, Model, assignedAt, "s1").Verdict);
    }

    [Fact]
    public void Evidence_counts_each_snapshot_on_the_new_version_once_and_leaves_out_the_one_it_switched_in()
    {
        StoreSnapshot Snapshot(long id, long scored, long flagged) => new()
        {
            StoreId = "s1",
            Id = id,
            At = Now.AddSeconds(id),
            ReceivedAt = Now.AddSeconds(id),
            Scored = scored,
            Flagged = flagged,
            Model = "fraud-gbt",
            ModelVersion = "1.1.0",
        };
        var evidence = new StoreEvidence();

        Assert.Equal(0, evidence.Take(Snapshot(1, 30, 0), running: false));
        Assert.Equal(0, evidence.Take(Snapshot(2, 30, 30), running: true));
        Assert.Equal(10, evidence.Take(Snapshot(3, 10, 10), running: true));
        Assert.Equal(0, evidence.Take(Snapshot(3, 10, 10), running: true));
        Assert.Equal(4, evidence.Take(Snapshot(4, 4, 4), running: true));
        Assert.Equal((14L, 14L), (evidence.Scored, evidence.Flagged));

        // 14 payments on the new version, all flagged: the last interval alone (4) is too few for the view, the sum is not.
        var options = new FleetOptions { MinScoredForAlertRate = 5 };
        var view = StoreJudge.Judge("s1", Snapshot(4, 4, 4), Now.AddSeconds(4), Now, options);
        Assert.False(view.AlertRateOutOfBand);
        var health = RolloutPlan.Judge(view, Model, Now, "s1", evidence, options.MinScoredForAlertRate);
        Assert.Equal(RolloutPlan.Fail, health.Verdict);
        Assert.Equal(1.0, health.AlertRate);
        Assert.Equal(14, health.Scored);
    }

    [Fact]
    public void The_desired_document_is_signed_as_the_agents_transport_verifies_it_and_only_for_its_topic()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var payload = DesiredDocument.Write(17, DesiredDocument.Assignment(Model));
        const long ts = 1_800_000_000;
        var sig = DesiredDocument.Sign(key, "edgeagent/s1/desired", ts, payload);
        var agent = new ControlMessageSignature(key, TimeProvider.System);

        Assert.Null(agent.Verify("edgeagent/s1/desired", null, null, payload, "1800000000", sig, once: false));
        Assert.Equal("bad signature", agent.Verify("edgeagent/s2/desired", null, null, payload, "1800000000", sig, once: false));
        var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(payload).Replace("1.1.0", "6.6.6", StringComparison.Ordinal));
        Assert.Equal("bad signature", agent.Verify("edgeagent/s1/desired", null, null, altered, "1800000000", sig, once: false));
        Assert.Equal("bad signature", new ControlMessageSignature(RandomNumberGenerator.GetBytes(32), TimeProvider.System)
            .Verify("edgeagent/s1/desired", null, null, payload, "1800000000", sig, once: false));
        Assert.Equal("""{"$version":17,"model":{"name":"fraud-gbt","version":"1.1.0","sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","url":"http://fleet/models/fraud-gbt-1.1.0.card.json"}}""",
            Encoding.UTF8.GetString(payload));
    }
}
