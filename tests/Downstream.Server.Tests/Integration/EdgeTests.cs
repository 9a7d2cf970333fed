using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

/// <summary>A server behind the shipped nginx edge (<c>deploy/nginx/downstream.conf</c>), media sent by nginx.</summary>
public sealed class EdgeFixture : IAsyncLifetime
{
    private readonly TempDir _data = new("downstream-edge");

    public ServerProcess Server { get; private set; } = null!;

    public NginxEdge Edge { get; private set; } = null!;

    public MediaFiles Media { get; } = new();

    /// <summary>With media on local disk nginx sends the files; with S3 the edge passes the server's answers through.</summary>
    public static bool Accelerated => !Backends.PostgresS3;

    public string MediaDir => Path.Combine(_data.Path, "media");

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync(_data.Path, new Dictionary<string, string>
        {
            ["DOWNSTREAM_ACCEL_REDIRECT"] = "/internal/media/",
            ["DOWNSTREAM_TRUSTED_PROXIES"] = "127.0.0.1",
        });
        Directory.CreateDirectory(MediaDir);
        Edge = await NginxEdge.StartAsync([new Uri(Server.BaseUrl).Authority], MediaDir);
    }

    public async Task DisposeAsync()
    {
        await Edge.DisposeAsync();
        await Server.DisposeAsync();
        Media.Dispose();
        _data.Dispose();
    }
}

public sealed class EdgeTests(EdgeFixture fixture) : IClassFixture<EdgeFixture>
{
    private StreamApi Api => new(fixture.Edge.Http);

    private HttpClient Edge => fixture.Edge.Http;

    /// <summary>A ready video uploaded through the edge, with its MP4 and M4A made, and the MP4's bytes as stored.</summary>
    private async Task<(string Uid, byte[] Mp4)> ReadyVideoAsync()
    {
        var uid = await Api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        await Api.CreateDownloadAsync(uid);
        await Api.CreateDownloadAsync(uid, "audio");
        await Api.WaitForDownloadAsync(uid, "default");
        await Api.WaitForDownloadAsync(uid, "audio");
        var mp4 = EdgeFixture.Accelerated
            ? await File.ReadAllBytesAsync(Path.Combine(fixture.MediaDir, "videos", uid, "downloads", "default.mp4"))
            : await fixture.Server.Http.GetByteArrayAsync($"/{uid}/downloads/default.mp4");
        return (uid, mp4);
    }

    [Fact]
    public async Task Files_come_whole_ranged_and_headed_byte_exact_with_the_servers_type_etag_and_name()
    {
        var (uid, mp4) = await ReadyVideoAsync();
        using var whole = await Edge.GetAsync($"/{uid}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(mp4, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal("video/mp4", whole.Content.Headers.ContentType!.MediaType);
        Assert.False(whole.Headers.Contains("X-Accel-Redirect"));
        var etag = whole.Headers.ETag!;

        // The ETag is the server's (the job id), the same as it gives without the edge.
        using var direct = new HttpRequestMessage(HttpMethod.Head, $"/{uid}/downloads/default.mp4");
        using var directAnswer = await fixture.Server.Http.SendAsync(direct);
        Assert.Equal(directAnswer.Headers.ETag, etag);

        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/{uid}/downloads/default.mp4");
        ranged.Headers.Range = new RangeHeaderValue(100, 65_635);
        using var part = await Edge.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(mp4[100..65_636], await part.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 100-65635/{mp4.Length}", part.Content.Headers.ContentRange!.ToString());

        using var tail = new HttpRequestMessage(HttpMethod.Get, $"/{uid}/downloads/default.mp4");
        tail.Headers.Range = new RangeHeaderValue(null, 500);
        using var last = await Edge.SendAsync(tail);
        Assert.Equal(mp4[^500..], await last.Content.ReadAsByteArrayAsync());

        using var head = await Edge.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/{uid}/downloads/default.mp4"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(mp4.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/{uid}/downloads/default.mp4");
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await Edge.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var named = await Edge.GetAsync($"/{uid}/downloads/default.mp4?filename=my-clip");
        Assert.Equal("attachment", named.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("my-clip.mp4", named.Content.Headers.ContentDisposition.FileName?.Trim('"'));
        Assert.Equal(mp4.Length, (await named.Content.ReadAsByteArrayAsync()).Length);

        using var audio = await Edge.GetAsync($"/{uid}/downloads/audio.m4a");
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal("audio/mp4", audio.Content.Headers.ContentType!.MediaType);
    }

    [SkippableFact]
    public async Task The_server_names_the_file_and_sends_no_byte_itself_when_media_is_on_local_disk()
    {
        Skip.IfNot(EdgeFixture.Accelerated, "with S3 the server sends the bytes (or a presigned redirect), as without the edge");
        var (uid, _) = await ReadyVideoAsync();
        using var direct = await fixture.Server.Http.GetAsync($"/{uid}/downloads/default.mp4?filename=x");
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Equal($"/internal/media/videos/{uid}/downloads/default.mp4", direct.Headers.GetValues("X-Accel-Redirect").Single());
        Assert.Empty(await direct.Content.ReadAsByteArrayAsync());
        Assert.Equal("x.mp4", direct.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
    }

    [Fact]
    public async Task Deleted_private_and_internal_paths_are_refused_at_the_edge()
    {
        var (uid, _) = await ReadyVideoAsync();
        var (deleted, _) = await Api.SendAsync(HttpMethod.Delete, $"{Api.Stream}/{uid}");
        Assert.Equal(HttpStatusCode.OK, deleted);
        var (gone, body) = await Api.SendAsync(HttpMethod.Get, $"/{uid}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.NotFound, gone);
        Assert.False(body.GetProperty("success").GetBoolean());

        var (other, _) = await ReadyVideoAsync();
        var (edited, _) = await Api.SendAsync(HttpMethod.Post, $"{Api.Stream}/{other}", StreamApi.Json(new JsonObject { ["requireSignedURLs"] = true }.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, edited);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.SendAsync(HttpMethod.Get, $"/{other}/downloads/default.mp4")).Status);
        var (_, token) = await Api.SendAsync(HttpMethod.Post, $"{Api.Stream}/{other}/token", StreamApi.Json("""{"downloadable": true}"""));
        using var signed = await Edge.GetAsync($"/{token.GetProperty("result").GetProperty("token").GetString()}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.True((await signed.Content.ReadAsByteArrayAsync()).Length > 1000);

        // The internal location answers only internal redirects.
        foreach (var path in new[] { $"/internal/media/videos/{other}/downloads/default.mp4", "/internal/media/", "/internal/media/../media/videos" })
        {
            using var outside = await Edge.GetAsync(path);
            Assert.True(outside.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {outside.StatusCode}");
            Assert.True((await outside.Content.ReadAsByteArrayAsync()).Length < 10_000);
        }
    }

    [Fact]
    public async Task A_tus_upload_goes_through_the_edge_chunk_by_chunk_to_its_location_on_the_edge()
    {
        var file = await File.ReadAllBytesAsync(await fixture.Media.LargeAsync());
        using var create = new HttpRequestMessage(HttpMethod.Post, Api.Stream);
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerProcess.Token);
        create.Headers.Add("Tus-Resumable", "1.0.0");
        create.Headers.Add("Upload-Length", file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var created = await Edge.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!;
        Assert.Equal(new Uri(fixture.Edge.BaseUrl).Authority, location.Authority);

        const int chunk = 5 * 1024 * 1024;
        for (var offset = 0; offset < file.Length; offset += chunk)
        {
            using var patch = new HttpRequestMessage(HttpMethod.Patch, location.PathAndQuery)
            {
                Content = new ByteArrayContent(file, offset, Math.Min(chunk, file.Length - offset)),
            };
            patch.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerProcess.Token);
            patch.Headers.Add("Tus-Resumable", "1.0.0");
            patch.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
            using var patched = await Edge.SendAsync(patch);
            Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);
        }

        var uid = created.Headers.GetValues("stream-media-id").Single();
        var video = await Api.WaitForVideoAsync(uid);
        Assert.Equal("ready", video.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(file.Length, video.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task The_api_works_through_the_edge_with_urls_on_the_edges_address()
    {
        var (uid, _) = await ReadyVideoAsync();
        var (status, body) = await Api.SendAsync(HttpMethod.Get, $"{Api.Stream}/{uid}/downloads");
        Assert.Equal(HttpStatusCode.OK, status);
        var url = new Uri(body.GetProperty("result").GetProperty("default").GetProperty("url").GetString()!);
        Assert.Equal(new Uri(fixture.Edge.BaseUrl).Authority, url.Authority);

        // Live events pass through unbuffered: the stream ends with done.
        var events = await Api.WatchDownloadsAsync(uid, seconds: 30);
        Assert.Equal("done", events[^1].Event);
    }
}
