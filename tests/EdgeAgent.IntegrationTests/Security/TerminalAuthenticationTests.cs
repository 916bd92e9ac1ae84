using System.Net;
using System.Text;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Security;
using EdgeAgent.Security.Credentials;
using Microsoft.Extensions.Time.Testing;
using MQTTnet.Protocol;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>Who the embedded broker lets in, as whom, and that each refusal is counted by reason.</summary>
public sealed class TerminalAuthenticationTests : TerminalAccessPolicyTests
{
    [Fact]
    public void Password_OfAMappedTerminal_GivesItsIdentity()
    {
        var decision = Policy().Authenticate(Password("store-1/t1", "store-1/t1", "t1-secret"));

        Assert.True(decision.IsAccepted);
        Assert.Equal(T1, decision.Identity);
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
        using var certificate = Authority.IssueClient("pinpad-7", TimeSpan.FromDays(1));
        var decision = Policy().Authenticate(new ConnectRequest("pinpad-7", null, default, certificate, Lan, true));

        Assert.Equal(new TerminalIdentity("pinpad-7", TerminalRole.Terminal, "store-1", "t2"), decision.Identity);
    }

    [Fact]
    public void Certificate_FromAnotherCa_IsRefused()
    {
        using var other = StoreAuthority.Create("other", TimeSpan.FromDays(30), Time);
        using var certificate = other.IssueClient("store-1/t1", TimeSpan.FromDays(1));
        var policy = Policy();

        Assert.Equal(MqttConnectReasonCode.NotAuthorized, policy.Authenticate(new ConnectRequest("store-1/t1", null, default, certificate, Lan, true)).ReasonCode);
        AssertCounted(policy, RefusalReason.CertificateInvalid);
    }

    [Fact]
    public void ExpiredCertificate_IsRefused()
    {
        using var certificate = Authority.IssueClient("store-1/t1", TimeSpan.FromDays(1));
        Time.Advance(TimeSpan.FromDays(2));
        var policy = Policy();

        Assert.False(policy.Authenticate(new ConnectRequest("store-1/t1", null, default, certificate, Lan, true)).IsAccepted);
        AssertCounted(policy, RefusalReason.CertificateInvalid);
    }

    [Fact]
    public void Certificate_WithAnotherIdentitysUserName_IsRefused()
    {
        using var certificate = Authority.IssueClient("store-1/t1", TimeSpan.FromDays(1));
        var policy = Policy();

        Assert.False(policy.Authenticate(new ConnectRequest("store-1/t1", "ops", default, certificate, Lan, true)).IsAccepted);
        AssertCounted(policy, RefusalReason.IdentityMismatch);
    }

    [Fact]
    public void AgentIdentity_IsRefusedByTheEmbeddedBroker()
    {
        using var certificate = Authority.IssueClient("edgeagent", TimeSpan.FromDays(1));
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
}
