using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace EdgeAgent.IntegrationTests.Telemetry;

/// <summary>
/// The status page in a real headless Chromium after payments were replayed through the agent, on the provider the
/// machine gives it (Auto: the GPU where there is one, else the CPU with the reason): the last minutes as charts the
/// page draws itself, every stage counted, the provider's reason in one line without a path, and no sideways scroll
/// on a 1,280-pixel screen. Set <c>EDGEAGENT_STATUS_SCREENSHOT</c> to a file to keep a screenshot.
/// </summary>
public sealed class StatusPageChartsTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();
    private InProcessAgent _agent = null!;

    public async Task InitializeAsync() =>
        _agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Auto", "Telemetry:ChartIntervalSeconds=1");

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task AfterAReplay_ThePageChartsTheLastMinutes_CountsEveryStage_SaysWhyInOneLine_AndFitsTheScreen()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var origin = new Uri(_agent.BaseUrl).GetLeftPart(UriPartial.Authority);
        var requests = new List<string>();
        var failures = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        page.PageError += (_, error) => failures.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                failures.Add(message.Text);
            }
        };

        // A component's instrument with a long name and a long series, which the page lists under "Other instruments".
        _agent.Services.GetRequiredService<Core.Telemetry.PipelineMetrics>().Meter.CreateCounter<long>("edgeagent.extension.an_instrument_whose_name_and_series_do_not_break_anywhere")
            .Add(1, new KeyValuePair<string, object?>("series", "value_" + new string('x', 120)));
        await page.GotoAsync(_agent.BaseUrl + "/");
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.updates) >= 1");
        Assert.Equal("no data yet", await page.TextContentAsync("#chart-p99 .scale"));

        // The replay: payments from several stores and terminals, a bad card and an empty payload among them, in
        // two waves with a chart interval between them.
        await using var terminal = await TestTerminal.ConnectAsync(_port);
        for (var i = 0; i < 60; i++)
        {
            if (i == 30)
            {
                await page.WaitForFunctionAsync("() => Number(document.getElementById('chart-throughput').dataset.top) > 0", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
            }

            await terminal.RequestAsync(Payloads.Topic("store-" + (i % 3), "t" + (i % 5)), Payloads.Payment("replay-" + i, 3m + (i * 53)));
        }

        await terminal.RequestAsync(Payloads.Topic("store-1", "t2"), Payloads.Payment("bad-1", pan: "4111111111111112"));
        await terminal.RequestAsync(Payloads.Topic("store-1", "t3"), "{}"u8.ToArray());

        // The last wave lands in a later interval: wait until the page has charted it.
        await page.WaitForFunctionAsync("() => document.getElementById('received').textContent === '62'", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await page.WaitForFunctionAsync(
            "() => Number(document.getElementById('chart-throughput').dataset.points) >= 3 && Number(document.getElementById('chart-p99').dataset.points) >= 2",
            null,
            new PageWaitForFunctionOptions { Timeout = 30_000 });

        // The charts: lines drawn by the page from /status, the same number of intervals in each.
        var status = Answers.Parse(Encoding.UTF8.GetBytes(await page.EvaluateAsync<string>("async () => await (await fetch('/status')).text()")));
        var points = status.GetProperty("charts").GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(1, status.GetProperty("charts").GetProperty("intervalSeconds").GetInt32());
        Assert.Contains(points, p => p.GetProperty("throughput").GetDouble() > 0);
        Assert.Contains(points, p => p.GetProperty("p99Ms").ValueKind == System.Text.Json.JsonValueKind.Number && p.GetProperty("p99Ms").GetDouble() > 0);
        Assert.Contains(points, p => p.GetProperty("alertRate").ValueKind == System.Text.Json.JsonValueKind.Number);
        foreach (var chart in new[] { "chart-throughput", "chart-p99", "chart-alert-rate" })
        {
            Assert.True(await page.Locator($"#{chart} svg polyline, #{chart} svg circle").CountAsync() >= 1, chart + " draws nothing");
            Assert.StartsWith("peak ", await page.TextContentAsync($"#{chart} .scale"), StringComparison.Ordinal);
        }

        Assert.True(await page.EvaluateAsync<double>("() => Number(document.getElementById('chart-throughput').dataset.top)") > 0);

        // Every stage the payments passed through is counted, the answer stage included (one per batch).
        var stages = await page.EvaluateAsync<Dictionary<string, long>>(
            "() => Object.fromEntries([...document.querySelectorAll('#stages tbody tr')].map(r => [r.cells[0].textContent, Number(r.cells[1].textContent.replace(/,/g, ''))]))");
        Assert.Equal(62, stages["request"]);
        Assert.InRange(stages["answer"], 1, 62);
        Assert.InRange(stages["compute_infer"], 1, 60);
        Assert.True(status.GetProperty("latencyMs").GetProperty("answer").GetProperty("count").GetInt64() >= stages["answer"]);

        // The provider's reason: one line, no path of the agent's install; ONNX Runtime's whole error is in the log only.
        var why = await page.EvaluateAsync<string>(
            "() => { const dt = [...document.querySelectorAll('#model dt')].find(d => d.textContent === 'why'); return dt ? dt.nextElementSibling.textContent : ''; }");
        var provider = _agent.Services.GetRequiredService<EdgeAgent.Onnx.ModelHolder>().Current.Provider;
        Assert.Equal(provider.Reason, why);
        Assert.DoesNotContain('/', why);
        Assert.DoesNotContain('\n', why);
        Assert.InRange(why.Length, 1, 160);
        if (provider.Name == "CPU")
        {
            Assert.Matches(@"^Auto: (CUDA unavailable: \S+ not found|this ONNX Runtime build has no CUDA provider)$", why);
            Assert.True(provider.Detail is null || provider.Detail.Contains('/', StringComparison.Ordinal));
        }

        // A 1,280-pixel screen shows the whole width: nothing to scroll sideways to.
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(widths[0] <= widths[1], $"the page is {widths[0]} px wide in a {widths[1]} px window");

        Assert.All(requests, url => Assert.StartsWith(origin, url, StringComparison.Ordinal));
        Assert.Empty(failures);
        if (Environment.GetEnvironmentVariable("EDGEAGENT_STATUS_SCREENSHOT") is { Length: > 0 } file)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        }
    }
}
