using System.Net;
using System.Text;
using System.Text.Json;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Reliability;

/// <summary>
/// Uploads that are lists of other files (playlists, concat lists, manifests) or not media at all:
/// each must end in <c>error</c> with ERR_NON_VIDEO, read nothing else, and never yield another video's bytes.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HostileMediaTests(ServerFixture fixture) : IAsyncLifetime
{
    private readonly StreamApi _api = fixture.Api;
    private readonly TempDir _work = new("downstream-hostile");
    private readonly FixedAnswerOrigin _listener = FixedAnswerOrigin.Ok();

    public static TheoryData<string> Cases =>
    [
        "hls-absolute", "hls-relative", "hls-file-url", "hls-http", "hls-behind-ftyp", "ffconcat", "concat-bare",
        "dash", "sdp", "image", "image-pattern-name", "subtitles", "tty-text",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Hostile_upload_ends_in_error_and_reads_nothing_else(string name)
    {
        var victim = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        await _api.CreateDownloadAsync(victim);
        Assert.Equal("ready", (await _api.WaitForDownloadAsync(victim, "default")).GetProperty("status").GetString());
        // With a local folder this is where the victim's file is; with S3 the path names nothing, and must still be refused.
        var victimFile = Path.Combine(fixture.Server.DataDir, "media", "videos", victim, "downloads", "default.mp4");
        var victimBytes = await fixture.Server.Media.ReadAsync($"videos/{victim}/downloads/default.mp4");
        Assert.NotNull(victimBytes);

        var (file, uploadName) = await MakeAsync(name, victim, victimFile);
        var video = await _api.UploadAsync(file, uploadName);
        var status = video.GetProperty("status");
        Assert.Equal("error", status.GetProperty("state").GetString());
        Assert.Equal("ERR_NON_VIDEO", status.GetProperty("errorReasonCode").GetString());
        Assert.False(string.IsNullOrWhiteSpace(status.GetProperty("errorReasonText").GetString()));
        var uid = video.GetProperty("uid").GetString()!;

        var (create, _) = await _api.CreateDownloadAsync(uid);
        Assert.Equal(HttpStatusCode.BadRequest, create);
        using var media = await fixture.Server.Http.GetAsync($"/{uid}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.NotFound, media.StatusCode);
        Assert.Equal(0, _listener.Connections);
        await AssertNoCopyOfAsync(victimBytes, uid);
    }

    [Fact]
    public async Task Playlist_copied_from_a_url_ends_in_error()
    {
        var victim = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        await _api.CreateDownloadAsync(victim);
        await _api.WaitForDownloadAsync(victim, "default");
        var victimFile = Path.Combine(fixture.Server.DataDir, "media", "videos", victim, "downloads", "default.mp4");
        var (playlist, _) = await MakeAsync("hls-absolute", victim, victimFile);
        await using var origin = await LoopbackOrigin.StartAsync(playlist);

        var (status, body) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/copy", StreamApi.Json(JsonSerializer.Serialize(new { url = origin.Url })));
        Assert.Equal(HttpStatusCode.OK, status);
        var uid = body.GetProperty("result").GetProperty("uid").GetString()!;
        var video = await Poll.UntilAsync(
            async () => (await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/{uid}")).Body.GetProperty("result"),
            v => v.GetProperty("status").GetProperty("state").GetString() is "ready" or "error",
            TimeSpan.FromSeconds(60), "the copied playlist to be decided");
        Assert.Equal("error", video.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("ERR_NON_VIDEO", video.GetProperty("status").GetProperty("errorReasonCode").GetString());
        await AssertNoCopyOfAsync((await fixture.Server.Media.ReadAsync($"videos/{victim}/downloads/default.mp4"))!, uid);
    }

    private async Task<(string File, string UploadName)> MakeAsync(string name, string victim, string victimFile)
    {
        var hls = (string segment) => $"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:3.0,\n{segment}\n#EXT-X-ENDLIST\n";
        var text = name switch
        {
            "hls-absolute" => hls(victimFile),
            // The staging file sits in videos/{new uid}/, so this climbs to the victim's folder.
            "hls-relative" => hls($"../{victim}/downloads/default.mp4"),
            "hls-file-url" => hls("file:" + victimFile),
            "hls-http" => hls(_listener.UrlOf("segment.mp4")),
            "ffconcat" => $"ffconcat version 1.0\nfile '{victimFile}'\n",
            "concat-bare" => $"file '{victimFile}'\nfile '{victimFile}'\n",
            "dash" => $"""
                <?xml version="1.0" encoding="UTF-8"?>
                <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT3S" minBufferTime="PT1S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">
                  <Period><AdaptationSet mimeType="video/mp4"><Representation id="1" bandwidth="100000">
                    <BaseURL>{victimFile}</BaseURL></Representation></AdaptationSet>
                  <AdaptationSet mimeType="video/mp4"><Representation id="2" bandwidth="100000">
                    <BaseURL>{_listener.UrlOf("dash.mp4")}</BaseURL></Representation></AdaptationSet></Period>
                </MPD>
                """,
            "sdp" => $"v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\nm=video {_listener.Port} RTP/AVP 96\na=rtpmap:96 H264/90000\n",
            "subtitles" => "1\n00:00:00,000 --> 00:00:03,000\nnot a video\n\n2\n00:00:03,000 --> 00:00:06,000\nstill not\n",
            "tty-text" => string.Concat(Enumerable.Repeat("ANSI art is text that ffmpeg would draw as video frames.\n", 200)),
            _ => null,
        };

        var file = _work.File(name + ".upload");
        switch (name)
        {
            case "hls-behind-ftyp":
                // A real box header in front of a playlist: the sniffer passes it, ffprobe must still refuse it.
                await File.WriteAllBytesAsync(file, [0, 0, 0, 16, .. "ftypisom"u8, 0, 0, 2, 0, .. Encoding.ASCII.GetBytes(hls(victimFile))]);
                return (file, "movie.mp4");
            case "image":
            case "image-pattern-name":
                File.Copy(await fixture.Media.PngAsync(), file, overwrite: true);
                return (file, name == "image" ? "still.png" : "frame%03d.png");
            default:
                await File.WriteAllTextAsync(file, text ?? throw new ArgumentException(name));
                return (file, name + (name.StartsWith("hls", StringComparison.Ordinal) ? ".m3u8" : ".mp4"));
        }
    }

    /// <summary>Nothing the attacker's video holds is the victim's download.</summary>
    private async Task AssertNoCopyOfAsync(byte[] victimBytes, string attacker)
    {
        foreach (var key in await fixture.Server.Media.KeysAsync($"videos/{attacker}/"))
        {
            var bytes = await fixture.Server.Media.ReadAsync(key);
            Assert.False(bytes is not null && victimBytes.AsSpan().SequenceEqual(bytes), $"{key} is a copy of another video's download");
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _listener.DisposeAsync();
        _work.Dispose();
    }
}
