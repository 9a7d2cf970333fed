using System.Net;
using System.Text.Json;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

[Collection(ServerCollection.Name)]
public sealed class DownloadFlowTests(ServerFixture fixture)
{
    private readonly StreamApi _api = fixture.Api;

    [Fact]
    public async Task H264_source_gives_a_remuxed_mp4_and_an_m4a()
    {
        var source = await fixture.Media.H264AacAsync();
        var uid = await _api.UploadReadyAsync(source);

        var (status, created) = await _api.CreateDownloadAsync(uid);
        Assert.Equal(HttpStatusCode.OK, status);
        var entry = created.GetProperty("result").GetProperty("default");
        Assert.Contains(entry.GetProperty("status").GetString(), new[] { "inprogress", "ready" });
        Assert.Equal($"{fixture.Server.BaseUrl}/{uid}/downloads/default.mp4", entry.GetProperty("url").GetString());
        Assert.Equal(JsonValueKind.Number, entry.GetProperty("percentComplete").ValueKind);

        (status, created) = await _api.CreateDownloadAsync(uid, "audio");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(created.GetProperty("result").TryGetProperty("default", out _), "POST returns the whole map");

        var video = await _api.WaitForDownloadAsync(uid, "default");
        var audio = await _api.WaitForDownloadAsync(uid, "audio");
        Assert.Equal(("ready", 100.0), (video.GetProperty("status").GetString(), video.GetProperty("percentComplete").GetDouble()));
        Assert.Equal("ready", audio.GetProperty("status").GetString());

        using var dir = new TempDir();
        var mp4 = await FetchAsync(video.GetProperty("url").GetString()!, dir.File("default.mp4"), "video/mp4");
        var m4a = await FetchAsync(audio.GetProperty("url").GetString()!, dir.File("audio.m4a"), "audio/mp4");
        await AssertMediaAsync(mp4, ["h264", "aac"], 3.0, (640, 360));
        await AssertMediaAsync(m4a, ["aac"], 3.0, null);
        Assert.True(JobLogMentions(uid, "default.mp4", "-c:v copy"), "an H.264/AAC source is remuxed, not encoded");
    }

    [Fact]
    public async Task Other_codecs_are_encoded_to_h264_aac_and_capped_in_height()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.Mpeg4Mp3Async());
        await _api.CreateDownloadAsync(uid);
        await _api.CreateDownloadAsync(uid, "audio");
        var video = await _api.WaitForDownloadAsync(uid, "default");
        var audio = await _api.WaitForDownloadAsync(uid, "audio");

        using var dir = new TempDir();
        var mp4 = await FetchAsync(video.GetProperty("url").GetString()!, dir.File("default.mp4"), "video/mp4");
        var m4a = await FetchAsync(audio.GetProperty("url").GetString()!, dir.File("audio.m4a"), "audio/mp4");
        await AssertMediaAsync(mp4, ["h264", "aac"], 3.0, (640, 360));
        await AssertMediaAsync(m4a, ["aac"], 3.0, null);
        Assert.True(JobLogMentions(uid, "default.mp4", "libx264"));
    }

    [Fact]
    public async Task Progress_climbs_while_the_job_runs_and_reads_100_when_ready()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.LongAsync(60));
        await _api.CreateDownloadAsync(uid);
        var seen = new List<double>();
        var done = await _api.WaitForDownloadAsync(uid, "default", seen);

        Assert.Equal("ready", done.GetProperty("status").GetString());
        Assert.Equal(100, seen[^1]);
        Assert.Contains(seen, p => p is > 0 and < 100);
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i] >= seen[i - 1], $"percentComplete went back from {seen[i - 1]} to {seen[i]}");
        }
    }

    [Fact]
    public async Task Audio_only_source_gives_an_mp4_with_its_audio()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.AudioOnlyAsync());
        await _api.CreateDownloadAsync(uid);
        var video = await _api.WaitForDownloadAsync(uid, "default");
        using var dir = new TempDir();
        var mp4 = await FetchAsync(video.GetProperty("url").GetString()!, dir.File("default.mp4"), "video/mp4");
        await AssertMediaAsync(mp4, ["aac"], 3.0, null);
    }

    [Fact]
    public async Task A_video_without_audio_gets_an_audio_download_in_error()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.SilentAsync());
        var (status, body) = await _api.CreateDownloadAsync(uid, "audio");
        Assert.Equal(HttpStatusCode.OK, status);
        var audio = body.GetProperty("result").GetProperty("audio");
        Assert.Equal("error", audio.GetProperty("status").GetString());
        Assert.Equal("ERR_NO_AUDIO", audio.GetProperty("errorReasonCode").GetString());
        Assert.Contains("no audio track", audio.GetProperty("errorReasonText").GetString(), StringComparison.Ordinal);
        Assert.False(audio.TryGetProperty("size", out _));
        await Poll.UntilAsync(() => Task.FromResult(fixture.Server.Output), o => o.Contains($"{uid} audio cannot be made", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the reason in the server log");

        using var response = await fixture.Server.Http.GetAsync($"/{uid}/downloads/audio.m4a");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Fifty_concurrent_posts_start_one_job()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            _api.CreateDownloadAsync(uid, i % 2 == 0 ? null : "default", i % 3 == 0 ? StreamApi.Json("{}") : null)));
        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(results, r => Assert.True(r.Body.GetProperty("result").TryGetProperty("default", out _)));
        await _api.WaitForDownloadAsync(uid, "default");
        Assert.Equal(1, JobLogCount(uid, "default.mp4"));
    }

    [Fact]
    public async Task Post_accepts_no_body_empty_json_any_json_and_any_content_type()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        foreach (var body in new HttpContent?[]
        {
            null, StreamApi.Json("{}"), StreamApi.Json("""{"anything":[1,2,3]}"""), StreamApi.Json("[]"),
            StreamApi.Json("{}", contentType: null), StreamApi.Json("{}", "text/plain"), StreamApi.Json("", "application/json"),
        })
        {
            var (status, _) = await _api.CreateDownloadAsync(uid, body: body);
            Assert.Equal(HttpStatusCode.OK, status);
        }

        var (broken, error) = await _api.CreateDownloadAsync(uid, body: StreamApi.Json("{\"oops\":"));
        Assert.Equal(HttpStatusCode.BadRequest, broken);
        Assert.Contains("not valid JSON", error.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_download_removes_it_and_its_file()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        await _api.CreateDownloadAsync(uid);
        await _api.CreateDownloadAsync(uid, "audio");
        await _api.WaitForDownloadAsync(uid, "default");
        await _api.WaitForDownloadAsync(uid, "audio");

        var (status, body) = await _api.SendAsync(HttpMethod.Delete, $"{_api.Stream}/{uid}/downloads/audio");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", body.GetProperty("result").GetString());
        var (_, map) = await _api.GetDownloadsAsync(uid);
        Assert.False(map.GetProperty("result").TryGetProperty("audio", out _));
        Assert.True(map.GetProperty("result").TryGetProperty("default", out _));
        Assert.False(await fixture.Server.Media.ExistsAsync($"videos/{uid}/downloads/audio.m4a"));

        // The bare route acts on default.
        (status, _) = await _api.SendAsync(HttpMethod.Delete, $"{_api.Stream}/{uid}/downloads");
        Assert.Equal(HttpStatusCode.OK, status);
        (_, map) = await _api.GetDownloadsAsync(uid);
        Assert.Equal("{}", map.GetProperty("result").GetRawText());
        using var gone = await fixture.Server.Http.GetAsync($"/{uid}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        (status, body) = await _api.SendAsync(HttpMethod.Delete, $"{_api.Stream}/{uid}/downloads/default");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(10003, body.GetProperty("errors")[0].GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Deleting_a_running_download_stops_its_ffmpeg()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.LongAsync(60));
        await _api.CreateDownloadAsync(uid);
        await Poll.UntilAsync(async () => (await _api.GetDownloadsAsync(uid)).Body.GetProperty("result").GetProperty("default"),
            e => e.GetProperty("percentComplete").GetDouble() > 0 || e.GetProperty("status").GetString() != "inprogress",
            TimeSpan.FromSeconds(60), "the job to start", 20);

        var (status, _) = await _api.SendAsync(HttpMethod.Delete, $"{_api.Stream}/{uid}/downloads");
        Assert.Equal(HttpStatusCode.OK, status);
        var log = JobLogs(uid, "default.mp4").Single();
        await Poll.UntilAsync(() => Task.FromResult(File.ReadAllText(log)), text => text.Contains("cancelled", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "ffmpeg to be stopped");
        Assert.DoesNotContain("exit code 0", File.ReadAllText(log), StringComparison.Ordinal);
        Assert.Empty(await fixture.Server.Media.KeysAsync($"videos/{uid}/downloads/"));
        Assert.DoesNotContain(fixture.Server.Media.StagingFiles(), f => f.Contains(".default.mp4", StringComparison.Ordinal) && f.Contains(uid, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deleting_a_video_deletes_its_downloads_and_files()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        await _api.CreateDownloadAsync(uid);
        await _api.CreateDownloadAsync(uid, "audio");
        await _api.WaitForDownloadAsync(uid, "default");
        Assert.True(await fixture.Server.Media.ExistsAsync($"videos/{uid}/downloads/default.mp4"));

        var (status, body) = await _api.SendAsync(HttpMethod.Delete, $"{_api.Stream}/{uid}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", body.GetProperty("result").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/{uid}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetDownloadsAsync(uid)).Status);
        using var media = await fixture.Server.Http.GetAsync($"/{uid}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.NotFound, media.StatusCode);
        Assert.Empty(await fixture.Server.Media.KeysAsync($"videos/{uid}/"));
    }

    [Fact]
    public async Task The_root_prefix_serves_the_same_api()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        var root = new StreamApi(fixture.Server.Http, prefix: "");
        var (status, body) = await root.CreateDownloadAsync(uid);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("result").TryGetProperty("default", out _));
        (status, body) = await root.GetDownloadsAsync(uid);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private string[] JobLogs(string uid, string file) => JobLogFiles.For(fixture.Server.DataDir, uid, file);

    private int JobLogCount(string uid, string file) => JobLogs(uid, file).Length;

    private bool JobLogMentions(string uid, string file, string text) => JobLogs(uid, file).Any(path => File.ReadLines(path).First().Contains(text, StringComparison.Ordinal));

    private async Task<string> FetchAsync(string url, string target, string contentType)
    {
        using var response = await fixture.Server.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        await using (var file = File.Create(target))
        {
            await response.Content.CopyToAsync(file);
        }

        return target;
    }

    private static async Task AssertMediaAsync(string file, string[] codecs, double duration, (int W, int H)? size)
    {
        using var probe = await Ffmpeg.ProbeAsync(file);
        var streams = probe.RootElement.GetProperty("streams").EnumerateArray().ToList();
        Assert.Equal(codecs, streams.Select(s => s.GetProperty("codec_name").GetString()));
        var actual = double.Parse(probe.RootElement.GetProperty("format").GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(actual, duration - 0.5, duration + 0.5);
        if (size is var (w, h))
        {
            var video = streams.Single(s => s.GetProperty("codec_type").GetString() == "video");
            Assert.Equal((w, h), (video.GetProperty("width").GetInt32(), video.GetProperty("height").GetInt32()));
            Assert.Equal("yuv420p", video.GetProperty("pix_fmt").GetString());
        }

        var audio = streams.FirstOrDefault(s => s.GetProperty("codec_type").GetString() == "audio");
        if (audio.ValueKind != JsonValueKind.Undefined)
        {
            Assert.Equal("LC", audio.GetProperty("profile").GetString());
        }

        var boxes = Ffmpeg.TopLevelBoxes(file).ToList();
        Assert.True(boxes.IndexOf("moov") >= 0 && boxes.IndexOf("moov") < boxes.IndexOf("mdat"), $"moov before mdat: {string.Join(",", boxes)}");
        Assert.DoesNotContain("moof", boxes);
    }
}
