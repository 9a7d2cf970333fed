using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

/// <summary>Thumbnails at <c>/{uid}/thumbnails/thumbnail.jpg</c>, made by ffmpeg, sized and fitted as asked, and cached.</summary>
[Collection(ServerCollection.Name)]
public sealed class ThumbnailTests(ServerFixture fixture)
{
    private readonly StreamApi _api = fixture.Api;

    private HttpClient Http => fixture.Server.Http;

    [Fact]
    public async Task A_ready_video_names_its_thumbnail_and_it_is_a_jpeg_of_the_asked_size_and_fit()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.SilentAsync());
        var (_, body) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/{uid}");
        var url = new Uri(body.GetProperty("result").GetProperty("thumbnail").GetString()!);
        Assert.Equal($"/{uid}/thumbnails/thumbnail.jpg", url.AbsolutePath);
        Assert.Equal(Http.BaseAddress!.Authority, url.Authority);

        // The source is 320x240 (4:3).
        foreach (var (query, width, height) in new[]
        {
            ("", 320, 240),
            ("?height=120", 160, 120),
            ("?width=160", 160, 120),
            ("?width=200&height=200", 200, 200),
            ("?width=200&height=200&fit=crop", 200, 200),
            ("?width=200&height=200&fit=scale", 200, 150),
            ("?width=200&height=200&fit=fill", 200, 200),
            ("?width=640&height=640&fit=clip", 320, 240),
            ("?width=640&height=640&fit=scale", 640, 480),
            ("?time=1s&height=60", 80, 60),
            ("?time=0.5s", 320, 240),
        })
        {
            var (status, type, bytes) = await FetchAsync($"{url.AbsolutePath}{query}");
            Assert.True(status == HttpStatusCode.OK, $"{query}: {status} {Encoding.UTF8.GetString(bytes)}");
            Assert.Equal("image/jpeg", type);
            using var dir = new TempDir();
            var file = dir.File("t.jpg");
            await File.WriteAllBytesAsync(file, bytes);
            using var probe = await Ffmpeg.ProbeAsync(file);
            var stream = probe.RootElement.GetProperty("streams")[0];
            Assert.Equal("mjpeg", stream.GetProperty("codec_name").GetString());
            Assert.Equal((width, height), (stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32()));
        }
    }

    [Fact]
    public async Task Frames_differ_by_time_and_a_repeat_is_the_cached_file_with_its_etag()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.LongAsync(20));
        var path = $"/{uid}/thumbnails/thumbnail.jpg";
        var (_, _, early) = await FetchAsync(path + "?time=1s");
        var (_, _, late) = await FetchAsync(path + "?time=15s");
        Assert.NotEqual(early, late);

        using var first = await Http.GetAsync(path + "?time=15s");
        Assert.Equal(late, await first.Content.ReadAsByteArrayAsync());
        Assert.True(first.Headers.CacheControl is { Public: true, Private: false, MaxAge.TotalSeconds: 3600 }, first.Headers.CacheControl?.ToString());
        using var conditional = new HttpRequestMessage(HttpMethod.Get, path + "?time=15s");
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await Http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        // Without a time the frame is at thumbnailTimestampPct of the duration; editing it moves the frame.
        var (_, _, atStart) = await FetchAsync(path);
        var (status, _) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}", Json(new JsonObject { ["thumbnailTimestampPct"] = 0.75 }));
        Assert.Equal(HttpStatusCode.OK, status);
        var (_, _, atThreeQuarters) = await FetchAsync(path);
        Assert.NotEqual(atStart, atThreeQuarters);
        Assert.Equal(late, atThreeQuarters);
    }

    [Fact]
    public async Task Bad_parameters_and_videos_without_a_picture_get_clear_errors_in_the_envelope()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        foreach (var query in (string[])["?fit=stretch", "?width=0", "?height=99999", "?width=abc", "?time=soon", "?time=-1s", "?time=99s"])
        {
            var (status, body) = await _api.SendAsync(HttpMethod.Get, $"/{uid}/thumbnails/thumbnail.jpg{query}");
            Assert.True(status == HttpStatusCode.BadRequest, $"{query}: {status}");
            Assert.True(body.GetProperty("errors")[0].GetProperty("code").GetInt32() >= 1000);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Get, $"/{uid}/thumbnails/thumbnail.gif")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Get, "/0123456789abcdef0123456789abcdef/thumbnails/thumbnail.jpg")).Status);

        var audio = await _api.UploadReadyAsync(await fixture.Media.AudioOnlyAsync());
        var (_, video) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/{audio}");
        Assert.False(video.GetProperty("result").TryGetProperty("thumbnail", out _));
        var (audioStatus, audioBody) = await _api.SendAsync(HttpMethod.Get, $"/{audio}/thumbnails/thumbnail.jpg");
        Assert.Equal(HttpStatusCode.NotFound, audioStatus);
        Assert.Contains("audio only", audioBody.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        var queued = (await _api.UploadQueuedAsync(await fixture.Media.H264AacAsync())).GetProperty("uid").GetString()!;
        var (_, pending) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/{queued}");
        if (pending.GetProperty("result").GetProperty("status").GetProperty("state").GetString() != "ready")
        {
            Assert.False(pending.GetProperty("result").TryGetProperty("thumbnail", out _));
        }
    }

    [Fact]
    public async Task A_private_video_shows_its_thumbnail_only_with_a_signed_token_in_place_of_the_uid()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        var (status, _) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}", Json(new JsonObject { ["requireSignedURLs"] = true }));
        Assert.Equal(HttpStatusCode.OK, status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await FetchAsync($"/{uid}/thumbnails/thumbnail.jpg")).Status);
        var (_, answer) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}/token", Json(new JsonObject()));
        var token = answer.GetProperty("result").GetProperty("token").GetString()!;
        using var response = await Http.GetAsync($"/{token}/thumbnails/thumbnail.jpg?height=60");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        Assert.True(response.Headers.CacheControl is { Public: false, Private: true, MaxAge.TotalSeconds: 3600 }, response.Headers.CacheControl?.ToString());

        var forged = token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await FetchAsync($"/{forged}/thumbnails/thumbnail.jpg")).Status);
    }

    private async Task<(HttpStatusCode Status, string? Type, byte[] Body)> FetchAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync());
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}
