using System.Net;
using System.Text;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

[Collection(ServerCollection.Name)]
public sealed class VideoTests(ServerFixture fixture)
{
    private readonly StreamApi _api = fixture.Api;

    [Fact]
    public async Task Upload_gives_a_ready_video_with_probed_fields()
    {
        var file = await fixture.Media.H264AacAsync();
        var video = await _api.UploadAsync(file, "holiday.mp4");
        Assert.Matches("^[0-9a-f]{32}$", video.GetProperty("uid").GetString());
        Assert.True(video.GetProperty("readyToStream").GetBoolean());
        Assert.Equal("ready", video.GetProperty("status").GetProperty("state").GetString());
        Assert.InRange(video.GetProperty("duration").GetDouble(), 2.5, 3.5);
        Assert.Equal(640, video.GetProperty("input").GetProperty("width").GetInt32());
        Assert.Equal(360, video.GetProperty("input").GetProperty("height").GetInt32());
        Assert.Equal(new FileInfo(file).Length, video.GetProperty("size").GetInt64());
        Assert.Equal("holiday.mp4", video.GetProperty("meta").GetProperty("name").GetString());
        Assert.False(video.GetProperty("requireSignedURLs").GetBoolean());
        Assert.EndsWith("Z", video.GetProperty("created").GetString(), StringComparison.Ordinal);

        var uid = video.GetProperty("uid").GetString();
        var (status, body) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/{uid}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(uid, body.GetProperty("result").GetProperty("uid").GetString());
    }

    [Theory]
    [InlineData("text")]
    [InlineData("empty")]
    [InlineData("png")]
    [InlineData("truncated")]
    public async Task Bad_media_ends_in_error_with_a_reason(string kind)
    {
        var file = kind switch
        {
            "text" => await fixture.Media.TextAsync(),
            "empty" => await fixture.Media.EmptyAsync(),
            "png" => await fixture.Media.PngAsync(),
            _ => await fixture.Media.TruncatedAsync(),
        };
        var video = await _api.UploadAsync(file);
        var status = video.GetProperty("status");
        Assert.Equal("error", status.GetProperty("state").GetString());
        Assert.Equal("ERR_NON_VIDEO", status.GetProperty("errorReasonCode").GetString());
        Assert.False(string.IsNullOrWhiteSpace(status.GetProperty("errorReasonText").GetString()));
        Assert.False(video.GetProperty("readyToStream").GetBoolean());
    }

    [Fact]
    public async Task Edit_changes_only_the_given_fields()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        var (status, body) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}",
            StreamApi.Json("""{"meta":{"name":"renamed","tag":"x"},"creator":"creator-1","scheduledDeletion":"2099-01-01T00:00:00Z"}"""));
        Assert.Equal(HttpStatusCode.OK, status);
        var video = body.GetProperty("result");
        Assert.Equal("renamed", video.GetProperty("meta").GetProperty("name").GetString());
        Assert.Equal("creator-1", video.GetProperty("creator").GetString());
        Assert.StartsWith("2099-01-01T00:00:00", video.GetProperty("scheduledDeletion").GetString(), StringComparison.Ordinal);

        (status, body) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}", StreamApi.Json("""{"scheduledDeletion":null}"""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("renamed", body.GetProperty("result").GetProperty("meta").GetProperty("name").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("result").GetProperty("scheduledDeletion").ValueKind);
    }

    [Fact]
    public async Task List_filters_orders_and_counts()
    {
        var marker = Guid.NewGuid().ToString("N")[..12];
        var uids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var video = await _api.UploadAsync(await fixture.Media.H264AacAsync(), $"{marker}-{i}.mp4");
            uids.Add(video.GetProperty("uid").GetString()!);
        }

        var (status, body) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}?search={marker}&asc=true&include_counts=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(uids, body.GetProperty("result").EnumerateArray().Select(v => v.GetProperty("uid").GetString()));
        Assert.Equal(3, body.GetProperty("total").GetInt32());
        Assert.Equal(3, body.GetProperty("range").GetInt32());

        (_, body) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}?search={marker}&limit=2");
        Assert.False(body.TryGetProperty("total", out _), "counts only on request");
        Assert.False(body.TryGetProperty("range", out _), "counts only on request");
        Assert.Equal(uids.AsEnumerable().Reverse().Take(2), body.GetProperty("result").EnumerateArray().Select(v => v.GetProperty("uid").GetString()));

        var oldest = body.GetProperty("result")[1].GetProperty("created").GetString();
        (_, body) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}?search={marker}&before={Uri.EscapeDataString(oldest!)}&include_counts=true");
        Assert.Equal([uids[0]], body.GetProperty("result").EnumerateArray().Select(v => v.GetProperty("uid").GetString()));
        Assert.Equal(1, body.GetProperty("range").GetInt32());
        Assert.Equal(3, body.GetProperty("total").GetInt32());

        (status, _) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}?include_counts=yes");
        Assert.Equal(HttpStatusCode.BadRequest, status);

        (_, body) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}?search={marker}&status=error");
        Assert.Equal(0, body.GetProperty("result").GetArrayLength());
    }

    [Fact]
    public async Task Copy_from_a_url_downloads_then_becomes_ready()
    {
        var file = await fixture.Media.H264AacAsync();
        await using var origin = await LoopbackOrigin.StartAsync(file);
        var (status, body) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/copy",
            StreamApi.Json($$"""{"url":"{{origin.Url}}","meta":{"name":"copied"},"requireSignedURLs":false}"""));
        Assert.Equal(HttpStatusCode.OK, status);
        var video = body.GetProperty("result");
        Assert.Equal("downloading", video.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(origin.Url, video.GetProperty("meta").GetProperty("downloaded-from").GetString());
        var uid = video.GetProperty("uid").GetString();

        var ready = await Poll.UntilAsync(async () => (await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/{uid}")).Body.GetProperty("result"),
            v => v.GetProperty("status").GetProperty("state").GetString() != "downloading", TimeSpan.FromSeconds(30), "the copy");
        Assert.Equal("ready", ready.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(new FileInfo(file).Length, ready.GetProperty("size").GetInt64());
        Assert.Equal("copied", ready.GetProperty("meta").GetProperty("name").GetString());

        await _api.CreateDownloadAsync(uid!);
        Assert.Equal("ready", (await _api.WaitForDownloadAsync(uid!, "default")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Copy_from_a_missing_url_ends_in_error()
    {
        await using var origin = await LoopbackOrigin.StartAsync(await fixture.Media.H264AacAsync());
        var (_, body) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/copy", StreamApi.Json($$"""{"url":"{{origin.Url}}missing"}"""));
        var uid = body.GetProperty("result").GetProperty("uid").GetString();
        var failed = await Poll.UntilAsync(async () => (await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/{uid}")).Body.GetProperty("result"),
            v => v.GetProperty("status").GetProperty("state").GetString() != "downloading", TimeSpan.FromSeconds(30), "the copy");
        Assert.Equal("error", failed.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("ERR_FETCH_ORIGIN_ERROR", failed.GetProperty("status").GetProperty("errorReasonCode").GetString());
        Assert.Contains("404", failed.GetProperty("status").GetProperty("errorReasonText").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_reports_database_and_ffmpeg()
    {
        using var response = await fixture.Server.Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("ffmpeg version", text, StringComparison.Ordinal);
        Assert.Contains(Encoding.UTF8.GetString("\"database\":\"ok\""u8), text, StringComparison.Ordinal);
    }
}
