using System.Net;
using Microsoft.Playwright;

namespace EdgeAgent.IntegrationTests.Telemetry;

/// <summary>
/// The status page at <c>/</c> in a real headless Chromium: it loads from the agent alone, shows the figures, and
/// follows them while payments flow. Set <c>EDGEAGENT_STATUS_SCREENSHOT</c> to a file to keep a screenshot.
/// </summary>
public sealed class StatusPageTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();
    private InProcessAgent _agent = null!;

    public async Task InitializeAsync() =>
        _agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Cpu");

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Page_LoadsFromTheAgentAlone_ShowsTheFigures_AndFollowsThemWhilePaymentsFlow()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        var origin = new Uri(_agent.BaseUrl).GetLeftPart(UriPartial.Authority);
        var requests = new List<string>();
        var failures = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                failures.Add(message.Text + " " + message.Location);
            }
        };
        page.PageError += (_, error) => failures.Add(error);

        var response = await page.GotoAsync(_agent.BaseUrl + "/");
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.updates) >= 1");

        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        Assert.Equal("ready", await page.TextContentAsync("#readiness"));
        Assert.Equal("0", await page.TextContentAsync("#received"));
        Assert.Contains("fraud-gbt 1.0.0", await page.TextContentAsync("#model"), StringComparison.Ordinal);
        Assert.Contains("CPU", await page.TextContentAsync("#model"), StringComparison.Ordinal);

        // Payments flow while the page polls: it must follow them without a reload.
        await using var terminal = await TestTerminal.ConnectAsync(_port);
        for (var i = 0; i < 40; i++)
        {
            await terminal.RequestAsync(Payloads.Topic("store-1", "t" + (i % 4)), Payloads.Payment("page-" + i, 5m + (i * 37)));
        }

        await terminal.RequestAsync(Payloads.Topic("store-1", "t2"), Payloads.Payment("bad-1", pan: "4111111111111112"));
        await terminal.RequestAsync(Payloads.Topic("store-1", "t3"), "{}"u8.ToArray());
        await page.WaitForFunctionAsync("() => document.getElementById('received').textContent === '42'", null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        var updatesBefore = await page.EvaluateAsync<int>("() => Number(document.body.dataset.updates)");
        for (var i = 40; i < 60; i++)
        {
            await terminal.RequestAsync(Payloads.Topic("store-2", "t" + (i % 3)), Payloads.Payment("page-" + i, 12m + (i * 11)));
        }

        await page.WaitForFunctionAsync("() => document.getElementById('received').textContent === '62'", null, new PageWaitForFunctionOptions { Timeout = 20_000 });

        var content = await page.ContentAsync();
        Assert.True(await page.EvaluateAsync<int>("() => Number(document.body.dataset.updates)") > updatesBefore);
        Assert.Equal("60", await page.TextContentAsync("#scored"));
        Assert.Equal("2", await page.TextContentAsync("#rejected"));
        Assert.Contains("luhn_check_failed", await page.TextContentAsync("#rejection-codes"), StringComparison.Ordinal);
        Assert.Contains("required", await page.TextContentAsync("#recent-rejections"), StringComparison.Ordinal);
        Assert.Contains("t3", await page.TextContentAsync("#recent-rejections"), StringComparison.Ordinal);
        Assert.Contains("request", await page.TextContentAsync("#stages"), StringComparison.Ordinal);
        Assert.DoesNotContain(Payloads.Pan, content, StringComparison.Ordinal);
        Assert.DoesNotContain("4111111111111112", content, StringComparison.Ordinal);
        Assert.DoesNotContain("review at", content, StringComparison.Ordinal);
        Assert.All(requests, url => Assert.StartsWith(origin, url, StringComparison.Ordinal));
        Assert.Empty(failures);

        if (Environment.GetEnvironmentVariable("EDGEAGENT_STATUS_SCREENSHOT") is { Length: > 0 } file)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        }
    }
}
