using System.Net;
using System.Text;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Security;
using EdgeAgent.Security.Credentials;
using Microsoft.Extensions.Time.Testing;
using MQTTnet.Protocol;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>Every decision of the embedded broker's policy, and that each refusal is counted by reason.</summary>
public sealed class TerminalAccessPolicyTests : IDisposable
{
    private static readonly IPEndPoint Lan = new(IPAddress.Parse("192.168.1.50"), 50_000);
    private static readonly IPEndPoint Local = new(IPAddress.Loopback, 50_000);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TestMeterFactory _meters = new(BrokerRefusals.InstrumentName, "reason");
    private readonly StoreAuthority _authority;
    private readonly TerminalIdentity _t1 = new("store-1/t1", TerminalRole.Terminal, "store-1", "t1");
    private readonly TerminalIdentity _ops = new("ops", TerminalRole.Operator);

    public TerminalAccessPolicyTests() => _authority = StoreAuthority.Create("test", TimeSpan.FromDays(30), _time);

    public void Dispose()
    {
        _authority.Dispose();
        _meters.Dispose();
    }

    private TerminalAccessPolicy Policy(MqttOptions? options = null) => new(
        options ?? new MqttOptions { BindAddress = "0.0.0.0", ServerCertificatePath = "server.crt", CaPath = "ca.crt", PasswordFile = "passwd", IdentitiesFile = "ids" },
        "pos",
        IdentityMap.Parse(["terminal store-1/t1", "terminal pinpad-7 store-1 t2", "operator ops", "agent edgeagent"], "test"),
        PasswordFile.Parse([PasswordFile.Line("store-1/t1", PasswordHash.Create("t1-secret", 1000)), PasswordFile.Line("ops", PasswordHash.Create("ops-secret", 1000)),
            PasswordFile.Line("ghost", PasswordHash.Create("ghost-secret", 1000))], "test"),
        new ClientCertificateValidator([_authority.Certificate], _time),
        new BrokerRefusals(_meters));

    private static ConnectRequest Password(string clientId, string user, string password, EndPoint? from = null, bool tls = true) =>
        new(clientId, user, Encoding.UTF8.GetBytes(password), null, from ?? Lan, tls);

    private void AssertCounted(TerminalAccessPolicy policy, RefusalReason reason, long times = 1)
    {
        Assert.Equal(times, policy.Refusals.Count(reason));
        Assert.Equal(times, _meters.Recorded(reason.Tag()));
    }

    [Fact]
    public void Password_OfAMappedTerminal_GivesItsIdentity()
    {
        var decision = Policy().Authenticate(Password("store-1/t1", "store-1/t1", "t1-secret"));

        Assert.True(decision.IsAccepted);
        Assert.Equal(_t1, decision.Identity);
        Assert.Equal(MqttConnectReasonCode.Success, decision.ReasonCode);
    }

    [Theory]
    [InlineData("store-1/t1", "wrong")]
    [InlineData("nobody", "t1-secret")]
    public void WrongPasswordOrUnknownUser_IsRefusedAsBadCredentials(string user, string password)
    {
        var policy = Policy();
        var decision = policy.Authenticate(Password(user, user, password));

        Assert.False(decision.IsAccepted);
        Assert.Equal(MqttConnectReasonCode.BadUserNameOrPassword, decision.ReasonCode);
        AssertCounted(policy, RefusalReason.BadCredentials);
    }

    [Fact]
    public void RightPassword_OfAUserTheIdentitiesFileDoesNotName_IsRefused()
    {
        var policy = Policy();
        Assert.Equal(MqttConnectReasonCode.NotAuthorized, policy.Authenticate(Password("ghost", "ghost", "ghost-secret")).ReasonCode);
        AssertCounted(policy, RefusalReason.UnknownIdentity);
    }

    [Theory]
    [InlineData("edgeagent-embedded")]
    [InlineData("EdgeAgent-store1")]
    [InlineData("edgeagent")]
    public void ReservedClientIds_AreRefused_WhoeverAsks(string clientId)
    {
        var policy = Policy();
        var decision = policy.Authenticate(Password(clientId, "store-1/t1", "t1-secret"));

        Assert.Equal(MqttConnectReasonCode.ClientIdentifierNotValid, decision.ReasonCode);
        AssertCounted(policy, RefusalReason.ReservedClientId);
    }

    [Theory]
    [InlineData("store-1/t1", true)]
    [InlineData("store-1/t1:pos-app", true)]
    [InlineData("store-1/t10", false)]
    [InlineData("store-1/t1-x", false)]
    [InlineData("store-1/t2", false)]
    [InlineData("random-client", false)]
    public void ClientId_OfANamedIdentity_IsItsNameOrNameColonSuffix(string clientId, bool accepted)
    {
        var policy = Policy();
        var decision = policy.Authenticate(Password(clientId, "store-1/t1", "t1-secret"));

        Assert.Equal(accepted, decision.IsAccepted);
        if (!accepted)
        {
            Assert.Equal(MqttConnectReasonCode.ClientIdentifierNotValid, decision.ReasonCode);
            AssertCounted(policy, RefusalReason.ClientIdNotAllowed);
        }
    }

    [Fact]
    public void EmptyClientId_OnMqtt5_IsAssignedTheIdentitysName()
    {
        var decision = Policy().Authenticate(Password("", "store-1/t1", "t1-secret"));
        Assert.Equal("store-1/t1", decision.AssignedClientId);
    }

    [Fact]
    public void ValidCertificate_MapsByCommonName()
    {
        using var certificate = _authority.IssueClient("pinpad-7", TimeSpan.FromDays(1));
        var decision = Policy().Authenticate(new ConnectRequest("pinpad-7", null, default, certificate, Lan, true));

        Assert.Equal(new TerminalIdentity("pinpad-7", TerminalRole.Terminal, "store-1", "t2"), decision.Identity);
    }

    [Fact]
    public void Certificate_FromAnotherCa_IsRefused()
    {
        using var other = StoreAuthority.Create("other", TimeSpan.FromDays(30), _time);
        using var certificate = other.IssueClient("store-1/t1", TimeSpan.FromDays(1));
        var policy = Policy();

        Assert.Equal(MqttConnectReasonCode.NotAuthorized, policy.Authenticate(new ConnectRequest("store-1/t1", null, default, certificate, Lan, true)).ReasonCode);
        AssertCounted(policy, RefusalReason.CertificateInvalid);
    }

    [Fact]
    public void ExpiredCertificate_IsRefused()
    {
        using var certificate = _authority.IssueClient("store-1/t1", TimeSpan.FromDays(1));
        _time.Advance(TimeSpan.FromDays(2));
        var policy = Policy();

        Assert.False(policy.Authenticate(new ConnectRequest("store-1/t1", null, default, certificate, Lan, true)).IsAccepted);
        AssertCounted(policy, RefusalReason.CertificateInvalid);
    }

    [Fact]
    public void Certificate_WithAnotherIdentitysUserName_IsRefused()
    {
        using var certificate = _authority.IssueClient("store-1/t1", TimeSpan.FromDays(1));
        var policy = Policy();

        Assert.False(policy.Authenticate(new ConnectRequest("store-1/t1", "ops", default, certificate, Lan, true)).IsAccepted);
        AssertCounted(policy, RefusalReason.IdentityMismatch);
    }

    [Fact]
    public void AgentIdentity_IsRefusedByTheEmbeddedBroker()
    {
        using var certificate = _authority.IssueClient("edgeagent", TimeSpan.FromDays(1));
        var policy = Policy();

        Assert.False(policy.Authenticate(new ConnectRequest("agent-x", null, default, certificate, Lan, true)).IsAccepted);
        AssertCounted(policy, RefusalReason.RoleNotAllowed);
    }

    [Fact]
    public void Anonymous_BeyondLoopback_IsRefused()
    {
        var policy = Policy();
        Assert.Equal(MqttConnectReasonCode.BadUserNameOrPassword, policy.Authenticate(new ConnectRequest("x", null, default, null, Lan, false)).ReasonCode);
        AssertCounted(policy, RefusalReason.Anonymous);
    }

    [Fact]
    public void Anonymous_OnALoopbackBroker_FromThisHost_IsLocal_ButNotFromElsewhere()
    {
        var policy = Policy(new MqttOptions());

        Assert.Equal(TerminalIdentity.Local, policy.Authenticate(new ConnectRequest("tool", null, default, null, Local, false)).Identity);
        Assert.False(policy.Authenticate(new ConnectRequest("tool", null, default, null, Lan, false)).IsAccepted);
        Assert.False(Policy(new MqttOptions { AllowAnonymous = false }).Authenticate(new ConnectRequest("tool", null, default, null, Local, false)).IsAccepted);
    }

    [Fact]
    public void LocalClient_MayNotTakeANamedIdentitysClientId()
    {
        var policy = Policy(new MqttOptions());
        Assert.Equal(MqttConnectReasonCode.ClientIdentifierNotValid, policy.Authenticate(new ConnectRequest("store-1/t1", null, default, null, Local, false)).ReasonCode);
        Assert.False(policy.Authenticate(new ConnectRequest("ops:watch", null, default, null, Local, false)).IsAccepted);
        AssertCounted(policy, RefusalReason.ReservedClientId, 2);
    }

    [Fact]
    public void Anonymous_WithAllowInsecure_IsLocalFromAnywhere()
    {
        var decision = Policy(new MqttOptions { BindAddress = "0.0.0.0", AllowInsecure = true }).Authenticate(new ConnectRequest("", null, default, null, Lan, false));
        Assert.Equal(TerminalIdentity.Local, decision.Identity);
        Assert.StartsWith("local-", decision.AssignedClientId, StringComparison.Ordinal);
    }

    [Fact]
    public void Payment_OnItsOwnTopic_IsAllowed_OnAnotherTerminals_Refused()
    {
        var policy = Policy();

        Assert.True(policy.AuthorizePublish(_t1, "pos/store-1/t1/payments", retain: false).IsAllowed);
        Assert.True(policy.AuthorizePayment(_t1, "store-1", "t1").IsAllowed);
        Assert.Equal(RefusalReason.OtherTerminal, policy.AuthorizePublish(_t1, "pos/store-1/t2/payments", retain: false).Reason);
        Assert.Equal(RefusalReason.OtherTerminal, policy.AuthorizePublish(_t1, "pos/store-2/t1/payments", retain: false).Reason);
        Assert.Equal(RefusalReason.OtherTerminal, policy.AuthorizePayment(_t1, "store-1", "t2").Reason);
        AssertCounted(policy, RefusalReason.OtherTerminal, 3);
    }

    [Theory]
    [InlineData("pos/store-1/t1/decisions")]
    [InlineData("pos/store-1/t2/decisions")]
    [InlineData("pos/store-1/t1/responses/x")]
    [InlineData("elsewhere/topic")]
    public void Terminal_PublishesNothingButItsPayments(string topic)
    {
        var policy = Policy();
        Assert.Equal(RefusalReason.TopicNotAllowed, policy.AuthorizePublish(_t1, topic, retain: false).Reason);
        AssertCounted(policy, RefusalReason.TopicNotAllowed);
    }

    [Fact]
    public void RetainedMessages_AreRefusedToEveryone()
    {
        var policy = Policy();
        Assert.Equal(RefusalReason.Retained, policy.AuthorizePublish(_t1, "pos/store-1/t1/payments", retain: true).Reason);
        Assert.Equal(RefusalReason.Retained, policy.AuthorizePublish(TerminalIdentity.Local, "test/answers", retain: true).Reason);
        AssertCounted(policy, RefusalReason.Retained, 2);
    }

    [Fact]
    public void Local_MayPayAsAnyTerminal_ButNotForgeAnswers()
    {
        var policy = Policy(new MqttOptions());
        Assert.True(policy.AuthorizePublish(TerminalIdentity.Local, "pos/store-9/t4/payments", false).IsAllowed);
        Assert.True(policy.AuthorizePublish(TerminalIdentity.Local, "pos/store-1/payments", false).IsAllowed); // answered invalid_topic by the pipeline
        Assert.True(policy.AuthorizePublish(TerminalIdentity.Local, "sim/run/answers", false).IsAllowed);
        Assert.Equal(RefusalReason.TopicNotAllowed, policy.AuthorizePublish(TerminalIdentity.Local, "pos/store-9/t4/decisions", false).Reason);
        Assert.Equal(RefusalReason.TopicNotAllowed, policy.AuthorizePublish(_ops, "pos/store-1/t1/payments", false).Reason);
    }

    [Theory]
    [InlineData("pos/store-1/t1/decisions", null)]
    [InlineData("pos/store-1/t1/responses/abc", null)]
    [InlineData("pos/store-1/t1/responses/#", null)]
    [InlineData("#", RefusalReason.WildcardSubscription)]
    [InlineData("pos/#", RefusalReason.WildcardSubscription)]
    [InlineData("pos/+/+/decisions", RefusalReason.WildcardSubscription)]
    [InlineData("pos/store-1/+/decisions", RefusalReason.WildcardSubscription)]
    [InlineData("pos/store-1/t1/#", RefusalReason.WildcardSubscription)]
    [InlineData("pos/store-1/t1/+", RefusalReason.WildcardSubscription)]
    [InlineData("+/store-1/t1/decisions", RefusalReason.WildcardSubscription)]
    [InlineData("pos/store-1/t2/decisions", RefusalReason.SubscriptionNotAllowed)]
    [InlineData("pos/store-1/t1/payments", RefusalReason.SubscriptionNotAllowed)]
    [InlineData("$share/g/pos/store-1/t1/decisions", RefusalReason.SubscriptionNotAllowed)]
    [InlineData("other/topic", RefusalReason.SubscriptionNotAllowed)]
    public void Terminal_SubscribesOnlyToItsOwnDecisionsAndResponses(string filter, RefusalReason? refusal)
    {
        var policy = Policy();
        Assert.Equal(refusal, policy.AuthorizeSubscription(_t1, filter).Reason);
        if (refusal is { } reason)
        {
            AssertCounted(policy, reason);
        }
    }

    [Theory]
    [InlineData("pos/+/+/decisions", null)]
    [InlineData("pos/store-1/+/responses/#", null)]
    [InlineData("pos/+/+/+", RefusalReason.WildcardSubscription)]
    [InlineData("pos/+/+/payments", RefusalReason.SubscriptionNotAllowed)]
    [InlineData("pos/#", RefusalReason.WildcardSubscription)]
    public void Operator_ReadsEveryTerminalsAnswers_NeverPayments(string filter, RefusalReason? refusal) =>
        Assert.Equal(refusal, Policy().AuthorizeSubscription(_ops, filter).Reason);

    [Theory]
    [InlineData("test/term-1/answers", null)]
    [InlineData("pos/store-9/t4/decisions", null)]
    [InlineData("#", RefusalReason.WildcardSubscription)]
    [InlineData("pos/+/+/decisions", RefusalReason.WildcardSubscription)]
    [InlineData("$SYS/#", RefusalReason.SubscriptionNotAllowed)]
    public void Local_SubscribesToAnythingButWildcardsOverTheRoot(string filter, RefusalReason? refusal) =>
        Assert.Equal(refusal, Policy(new MqttOptions()).AuthorizeSubscription(TerminalIdentity.Local, filter).Reason);

    [Theory]
    [InlineData("pos/store-1/t1/decisions", true)]
    [InlineData("pos/store-1/t1/responses/pos-app", true)]
    [InlineData("pos/store-1/t2/decisions", false)]
    [InlineData("pos/store-1/t1/payments", false)]
    [InlineData("pos/store-1/t1/responses/", false)]
    [InlineData("pos/store-1/t1/responses/+", false)]
    [InlineData("elsewhere/answers", false)]
    [InlineData("$SYS/x", false)]
    public void ResponseTopic_MustLieUnderTheSendersOwnPrefix(string responseTopic, bool allowed)
    {
        var policy = Policy();
        Assert.Equal(allowed, policy.AuthorizeResponseTopic(_t1, "store-1", "t1", responseTopic).IsAllowed);
        if (!allowed)
        {
            AssertCounted(policy, RefusalReason.ResponseTopic);
        }
    }

    [Fact]
    public void ResponseTopic_OfALocalClient_MayBeOutsideTheRoot_ButNotInAnotherTerminalsSpace()
    {
        var policy = Policy(new MqttOptions());
        Assert.True(policy.AuthorizeResponseTopic(TerminalIdentity.Local, "store-1", "t1", "test/term-1/answers").IsAllowed);
        Assert.True(policy.AuthorizeResponseTopic(TerminalIdentity.Local, "store-1", "t1", "pos/store-1/t1/decisions").IsAllowed);
        Assert.False(policy.AuthorizeResponseTopic(TerminalIdentity.Local, "store-1", "t1", "pos/store-1/t2/decisions").IsAllowed);
        Assert.False(policy.AuthorizeResponseTopic(_t1, "store-1", "t2", "pos/store-1/t2/decisions").IsAllowed);
    }

    [Theory]
    [InlineData("store-1/t1", "store-1/t1")]
    [InlineData("4111-1111-1111-1111", "####-####-####-####")]
    [InlineData("pos/store-1/4111111111111111/payments", "pos/store-#/################/payments")]
    [InlineData(null, "-")]
    public void LoggedClientText_NeverCarriesACardNumber(string? text, string logged) =>
        Assert.Equal(logged, TerminalAccessPolicy.LogSafe(text));
}
