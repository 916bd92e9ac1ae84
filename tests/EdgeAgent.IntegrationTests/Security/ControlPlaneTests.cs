using System.Net;
using System.Net.Http.Headers;
using EdgeAgent.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>The HTTP control plane over the agent's real Kestrel: a bearer token from a file, no cross-site requests, a rate limit.</summary>
public sealed class ControlPlaneTests : IAsyncLifetime
{
    private const string Token = "3q2-7wEjRWeJq83vASNFZ4mrze8BI0VniavN7wEjRWc";
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _secrets = new();
    private readonly HttpClient _http = new();
    private InProcessAgent? _agent;

    private string TokenFile => Path.Combine(_secrets.Path, "control.token");

    public async Task InitializeAsync()
    {
        File.WriteAllText(TokenFile, Token + "\n");
        _agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={FreePort.Next()}", "Inference:Provider=Cpu",
            $"ControlPlane:TokenFile={TokenFile}", "ControlPlane:PermitsPerMinute=6");
        _http.BaseAddress = new Uri(_agent.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _agent!.DisposeAsync();
        _data.Dispose();
        _secrets.Dispose();
    }

    private Task<HttpResponseMessage> ActivateAsync(string model, string? token = Token, Action<HttpRequestMessage>? edit = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/models/{model}/activate");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        edit?.Invoke(request);
        return _http.SendAsync(request);
    }

    [Fact]
    public async Task Activation_WithoutToken_Is401_WithAWrongOne_Too()
    {
        using var none = await ActivateAsync("fraud-gbt-1.0.0", token: null);
        using var wrong = await ActivateAsync("fraud-gbt-1.0.0", token: Token[..^1] + "x");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task Activation_WithTheToken_Switches_OrSaysWhyNot()
    {
        using var refused = await ActivateAsync("nope");
        using var same = await ActivateAsync("fraud-gbt-1.0.0");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("nope.card.json", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
    }

    [Theory]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task CrossSiteRequest_Is403_EvenWithTheToken(string header, string value)
    {
        using var response = await ActivateAsync("fraud-gbt-1.0.0", edit: r => r.Headers.Add(header, value));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task SameOriginRequest_IsAccepted()
    {
        using var response = await ActivateAsync("fraud-gbt-1.0.0", edit: r => r.Headers.Add("Origin", _agent!.BaseUrl.TrimEnd('/')));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ControlRequests_AreRateLimited_WhetherAuthenticatedOrNot()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await ActivateAsync("fraud-gbt-1.0.0", token: i % 2 == 0 ? Token : null);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(6, statuses.Count(s => s != HttpStatusCode.TooManyRequests));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses[^2..]);
    }

    [Fact]
    public async Task HealthMetricsAndTheModelList_StayOpen()
    {
        foreach (var path in new[] { "/health/live", "/health/ready", "/metrics", "/status", "/models" })
        {
            using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, path);
        }
    }

    [Fact]
    public void IsAuthenticated_NeedsTheToken_FromThisHost_NotCrossSite()
    {
        var auth = new ControlPlaneAuth(Options.Create(new ControlPlaneOptions { TokenFile = TokenFile }), NullLogger<ControlPlaneAuth>.Instance);
        var remote = new ControlPlaneAuth(Options.Create(new ControlPlaneOptions { TokenFile = TokenFile, AllowRemote = true }), NullLogger<ControlPlaneAuth>.Instance);
        var unset = new ControlPlaneAuth(Options.Create(new ControlPlaneOptions()), NullLogger<ControlPlaneAuth>.Instance);

        Assert.True(auth.IsAuthenticated(Request("127.0.0.1", Token)));
        Assert.False(auth.IsAuthenticated(Request("127.0.0.1", null)));
        Assert.False(auth.IsAuthenticated(Request("192.168.1.9", Token)));
        Assert.True(remote.IsAuthenticated(Request("192.168.1.9", Token)));
        Assert.False(auth.IsAuthenticated(Request("127.0.0.1", Token, origin: "http://evil.example")));
        Assert.False(unset.IsAuthenticated(Request("127.0.0.1", Token)));
    }

    [Fact]
    public async Task RotatedTokenFile_IsReadAgain()
    {
        const string next = "N3xt-t0ken-N3xt-t0ken-N3xt-t0ken-N3xt";
        File.WriteAllText(TokenFile, next);
        File.SetLastWriteTimeUtc(TokenFile, DateTime.UtcNow.AddMinutes(1));

        using var old = await ActivateAsync("fraud-gbt-1.0.0");
        using var fresh = await ActivateAsync("fraud-gbt-1.0.0", token: next);

        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task MissingTokenFile_RefusesTheStart()
    {
        using var data = new TempDirectory();
        var refusal = await StartRefusal.MessageAsync($"--Storage:Path={data.Path}", $"--Mqtt:Port={FreePort.Next()}", "--Http:Urls=http://127.0.0.1:0",
            "--Tokenization:Key=" + TestKeys.TokenizationKey, "--ControlPlane:TokenFile=/nowhere/control.token");
        Assert.Contains("ControlPlane:TokenFile", refusal, StringComparison.Ordinal);
    }

    private static DefaultHttpContext Request(string from, string? token, string? origin = null)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(from);
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1:8080");
        if (token is not null)
        {
            context.Request.Headers.Authorization = "Bearer " + token;
        }

        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        return context;
    }
}
