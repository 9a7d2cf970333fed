using System.Net;
using Downstream.Server.Tests.Support;
using Microsoft.Playwright;

namespace Downstream.Server.Tests.Browser;

/// <summary>
/// The dashboard in a real headless Chromium: sign in, upload, both downloads to 100 %, the MP4 through the page,
/// delete; a bad token; nothing without a token. With <c>DOWNSTREAM_SCREENSHOTS</c> set to a folder, the main pages
/// are shot there at 1440 and 360 px wide (docs/screenshots is made this way).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class DashboardTests(ServerFixture fixture, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private static readonly (int Width, int Height)[] Sizes = [(1440, 900), (360, 780)];
    private readonly List<string> _problems = [];
    private IBrowserContext _context = null!;

    private string BaseUrl => fixture.Server.BaseUrl;

    public async Task InitializeAsync()
    {
        _context = await NewContextAsync(Sizes[0]);
        // Nothing leaves the machine: a request for any other host is refused before it is sent, and fails the test.
        await _context.RouteAsync("**/*", async route =>
        {
            if (new Uri(route.Request.Url) is { Scheme: "data" or "blob" } or { Host: "127.0.0.1" })
            {
                await route.ContinueAsync();
            }
            else
            {
                _problems.Add("asked for " + route.Request.Url);
                await route.AbortAsync();
            }
        });
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task A_person_signs_in_uploads_makes_both_downloads_saves_the_mp4_and_deletes_the_video()
    {
        var page = await OpenAsync("/");
        await SignInAsync(page);
        await page.Locator("[data-test=videos]").WaitForAsync();

        // Upload by the file picker (the drop zone feeds the same queue), then follow the link to the video.
        await page.GotoAsync(BaseUrl + "/#/upload");
        await page.Locator("[data-test=file-input]").SetInputFilesAsync(await fixture.Media.H264AacAsync());
        var item = page.Locator("[data-test=upload-item]").First;
        await item.Locator("[data-test=upload-done]").WaitForAsync(new() { Timeout = 60_000 });
        Assert.Equal("100", await item.Locator("[data-test=upload-progress]").GetAttributeAsync("aria-valuenow"));
        await item.Locator("[data-test=upload-done]").ClickAsync();

        var video = page.Locator("[data-test=video]");
        await page.Locator("[data-test=video][data-state=ready]").WaitForAsync(new() { Timeout = 60_000 });
        var uid = (await video.GetAttributeAsync("data-uid"))!;
        Assert.Matches("^[0-9a-f]{32}$", uid);
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('[data-test=thumbnail]'); return i && i.complete && i.naturalWidth > 0; }");

        foreach (var type in (string[])["default", "audio"])
        {
            await page.Locator($"[data-test=create-{type}]").ClickAsync();
        }

        foreach (var type in (string[])["default", "audio"])
        {
            await page.Locator($"[data-test=download-{type}][data-status=ready]").WaitForAsync(new() { Timeout = 120_000 });
            Assert.Equal("100", await page.Locator($"[data-test=progress-{type}]").GetAttributeAsync("aria-valuenow"));
        }

        await ShootAsync(page, "video");

        // The MP4 through the page's own link: H.264/AAC, moov first.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-test=link-default]").ClickAsync());
        using var dir = new TempDir();
        var saved = dir.File("saved.mp4");
        await download.SaveAsAsync(saved);
        Assert.EndsWith(".mp4", download.SuggestedFilename, StringComparison.Ordinal);
        using (var probe = await Ffmpeg.ProbeAsync(saved))
        {
            var codecs = probe.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("codec_name").GetString()).ToList();
            Assert.Contains("h264", codecs);
            Assert.Contains("aac", codecs);
        }

        var boxes = Ffmpeg.TopLevelBoxes(saved).ToList();
        Assert.True(boxes.IndexOf("moov") < boxes.IndexOf("mdat"), string.Join(",", boxes));

        // Delete, confirmed in the dialog: the video is gone from the API and the page goes back to the list.
        await page.Locator("[data-test=delete-video]").ClickAsync();
        await page.Locator("[data-test=confirm-delete]").ClickAsync();
        await page.Locator("[data-test=videos]").WaitForAsync();
        await Poll.UntilAsync(async () => (await fixture.Api.SendAsync(HttpMethod.Get, $"{fixture.Api.Stream}/{uid}")).Status,
            s => s == HttpStatusCode.NotFound, TimeSpan.FromSeconds(10), "the video deleted");
        Assert.Equal(0, await page.Locator($"[data-test=video-row][data-uid='{uid}']").CountAsync());
        AssertNoProblems();
    }

    [Fact]
    public async Task Without_a_token_nothing_is_asked_of_the_api_and_a_bad_token_is_a_readable_error()
    {
        var apiCalls = new List<string>();
        var page = await _context.NewPageAsync();
        page.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath.StartsWith("/client/v4/", StringComparison.Ordinal))
            {
                apiCalls.Add(request.Url);
            }
        };
        foreach (var route in (string[])["/", "/#/videos", "/#/upload", "/#/copy", "/#/videos/0123456789abcdef0123456789abcdef"])
        {
            await page.GotoAsync(BaseUrl + route);
            await page.Locator("#api-token").WaitForAsync();
            Assert.Equal(0, await page.Locator("[data-test=videos], [data-test=video], [data-test=file-input]").CountAsync());
        }

        Assert.Empty(apiCalls);
        await ShootAsync(page, "sign-in");

        await page.Locator("#account-id").FillAsync(ServerProcess.AccountId);
        await page.Locator("#api-token").FillAsync("not-a-real-token-0123456789");
        await page.Locator("[data-test=sign-in]").ClickAsync();
        var error = page.Locator("[data-test=error]");
        await error.Filter(new() { HasText = "token" }).WaitForAsync();
        var message = await error.InnerTextAsync();
        Assert.DoesNotContain("{", message, StringComparison.Ordinal);
        Assert.Contains("not valid", message, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("[data-test=videos]").CountAsync());

        // The token never reaches a URL or lasting storage.
        Assert.DoesNotContain("not-a-real-token", page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await page.EvaluateAsync<int>("() => Object.keys(localStorage).filter(k => (localStorage.getItem(k) || '').includes('not-a-real-token')).length"));
        AssertNoProblems();
    }

    [Fact]
    public async Task The_list_searches_filters_and_fits_both_widths_and_signing_out_forgets_the_token()
    {
        var name = "Launch keynote " + Guid.NewGuid().ToString("N")[..8];
        var uid = await NamedVideoAsync(await fixture.Media.SilentAsync(), name);
        await NamedVideoAsync(await fixture.Media.H264AacAsync(), "Team offsite recap");
        await NamedVideoAsync(await fixture.Media.Mpeg4Mp3Async(), "Onboarding, week 1");

        var page = await OpenAsync("/");
        await SignInAsync(page);
        await page.Locator("[data-test=search]").FillAsync(name);
        await page.Locator($"[data-test=video-row][data-uid='{uid}']").WaitForAsync();
        await Poll.UntilAsync(() => page.Locator("[data-test=video-row]").CountAsync(), n => n == 1, TimeSpan.FromSeconds(10), "only the searched video listed");
        await page.Locator("[data-test=status-filter]").SelectOptionAsync("error");
        await page.Locator($"[data-test=video-row][data-uid='{uid}']").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await page.Locator("[data-test=status-filter]").SelectOptionAsync("ready");
        await page.Locator($"[data-test=video-row][data-uid='{uid}']").WaitForAsync();
        await page.Locator("[data-test=search]").FillAsync("");

        foreach (var size in Sizes)
        {
            await page.SetViewportSizeAsync(size.Width, size.Height);
            await page.GotoAsync(BaseUrl + "/#/videos");
            await page.Locator("[data-test=video-row]").First.WaitForAsync();
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"{size.Width} px wide: the page scrolls sideways by {overflow} px");
            await ShootAsync(page, "videos", size.Width);
            await page.GotoAsync(BaseUrl + "/#/upload");
            await page.Locator("[data-test=drop-zone]").WaitForAsync();
            await ShootAsync(page, "upload", size.Width);
        }

        // Every control has a name a screen reader can say, and the drop zone works from the keyboard.
        foreach (var route in (string[])["/#/videos", "/#/upload", "/#/copy", $"/#/videos/{uid}"])
        {
            await page.GotoAsync(BaseUrl + route);
            await page.Locator("[data-test=videos], [data-test=drop-zone], [data-test=copy-url], [data-test=video]").First.WaitForAsync();
            var unnamed = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('button, input, select, textarea, a[href]')]
                    .filter(e => (e.offsetParent !== null || e.type === 'file') && !e.closest('[aria-hidden="true"]'))
                    .filter(e => !((e.labels && e.labels.length) || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.textContent.trim() || e.title))
                    .map(e => e.outerHTML.slice(0, 80))
                """);
            Assert.True(unnamed.Length == 0, $"{route}: controls without a name: {string.Join(" | ", unnamed)}");
        }

        await page.GotoAsync(BaseUrl + "/#/upload");
        var zone = page.Locator("[data-test=drop-zone]");
        await zone.WaitForAsync();
        // Enter on the focused drop zone asks the file input to open its picker (counted here instead of opened,
        // so the check does not hang on the browser's chooser under load).
        Assert.Equal("BUTTON", await zone.EvaluateAsync<string>("e => e.tagName"));
        await page.EvaluateAsync("() => { window.__picks = 0; HTMLInputElement.prototype.click = function () { if (this.type === 'file' && this.multiple) window.__picks++; }; }");
        await zone.PressAsync("Enter");
        await zone.PressAsync("Space");
        await page.WaitForFunctionAsync("() => window.__picks === 2");

        await page.Locator("[data-test=sign-out]").ClickAsync();
        await page.Locator("#api-token").WaitForAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('downstream.token')"));
        await page.ReloadAsync();
        await page.Locator("#api-token").WaitForAsync();
        AssertNoProblems();
    }

    [Fact]
    public async Task The_api_reference_at_docs_renders_from_this_servers_document_alone()
    {
        var page = await OpenAsync("/docs/");
        await page.GetByText("Downstream: the Cloudflare Stream API, self-hosted").First.WaitForAsync(new() { Timeout = 60_000 });
        await page.GetByText("Stream Video Downloads").First.WaitForAsync();
        AssertNoProblems();
    }

    private async Task<string> NamedVideoAsync(string file, string name)
    {
        var uid = await fixture.Api.UploadReadyAsync(file);
        var body = new System.Text.Json.Nodes.JsonObject { ["meta"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name } };
        var (status, _) = await fixture.Api.SendAsync(HttpMethod.Post, $"{fixture.Api.Stream}/{uid}", StreamApi.Json(body.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, status);
        return uid;
    }

    private async Task<IBrowserContext> NewContextAsync((int Width, int Height) size) =>
        await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = size.Width, Height = size.Height },
            AcceptDownloads = true,
            ColorScheme = ColorScheme.Light,
        });

    private async Task<IPage> OpenAsync(string path)
    {
        var page = await _context.NewPageAsync();
        // A script error or a refused resource (the page's CSP) fails the test.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("status of 4", StringComparison.Ordinal))
            {
                _problems.Add(message.Text);
            }
        };
        page.PageError += (_, error) => _problems.Add(error);
        await page.GotoAsync(BaseUrl + path);
        return page;
    }

    private static async Task SignInAsync(IPage page)
    {
        await page.Locator("#account-id").FillAsync(ServerProcess.AccountId);
        await page.Locator("#api-token").FillAsync(ServerProcess.Token);
        await page.Locator("[data-test=sign-in]").ClickAsync();
        await page.Locator("[data-test=sign-out]").WaitForAsync();
    }

    /// <summary>A screenshot of the page in both colour schemes, when a folder is named for them.</summary>
    private static async Task ShootAsync(IPage page, string name, int? width = null)
    {
        if (Environment.GetEnvironmentVariable("DOWNSTREAM_SCREENSHOTS") is not { Length: > 0 } folder)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        width ??= page.ViewportSize?.Width;
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.WaitForFunctionAsync("() => [...document.images].every(i => i.complete)");
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new() { ColorScheme = scheme });
            await page.ScreenshotAsync(new()
            {
                Path = System.IO.Path.Combine(folder, $"{name}-{width}-{scheme.ToString().ToLowerInvariant()}.png"),
                FullPage = true,
                // Colour transitions finish first: a shot mid-way shows neither theme.
                Animations = ScreenshotAnimations.Disabled,
            });
        }

        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
    }

    private void AssertNoProblems() => Assert.True(_problems.Count == 0, "the page reported: " + string.Join(" | ", _problems));
}
