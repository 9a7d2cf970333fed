using System.Net;
using System.Net.Http.Headers;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

[Collection(ServerCollection.Name)]
public sealed class DeliveryTests(ServerFixture fixture)
{
    private readonly StreamApi _api = fixture.Api;

    private async Task<string> ReadyVideoAsync()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        await _api.CreateDownloadAsync(uid);
        await _api.WaitForDownloadAsync(uid, "default");
        return uid;
    }

    [Fact]
    public async Task Whole_file_has_length_etag_last_modified_and_accepts_ranges()
    {
        var uid = await ReadyVideoAsync();
        using var response = await fixture.Server.Http.GetAsync($"/{uid}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Contains("bytes", response.Headers.AcceptRanges);
        Assert.Null(response.Content.Headers.ContentDisposition);

        using var head = await fixture.Server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/{uid}/downloads/default.mp4"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(bytes.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/{uid}/downloads/default.mp4");
        conditional.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var notModified = await fixture.Server.Http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [SkippableFact]
    public async Task With_media_in_s3_a_delivered_file_is_copied_to_the_node_and_served_from_there_until_its_video_goes()
    {
        Skip.IfNot(Backends.PostgresS3, "the node's delivery copies are for media in S3");
        var uid = await ReadyVideoAsync();
        var whole = await fixture.Server.Http.GetByteArrayAsync($"/{uid}/downloads/default.mp4");
        await Poll.UntilAsync(() => Task.FromResult(fixture.Server.Media.DeliveryCopies(uid)), c => c.Count == 1 && !c[0].EndsWith(".partial", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "a copy of the download on the node");

        // With the object gone from the bucket, only the copy can answer.
        await fixture.Server.Media.DeleteAsync($"videos/{uid}/downloads/default.mp4");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{uid}/downloads/default.mp4");
        request.Headers.Range = new RangeHeaderValue(1000, 70_999);
        using var partial = await fixture.Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(whole[1000..71_000], await partial.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Delete, $"{_api.Stream}/{uid}")).Status);
        Assert.Empty(fixture.Server.Media.DeliveryCopies(uid));
        using var gone = await fixture.Server.Http.GetAsync($"/{uid}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Range_requests_give_206_and_out_of_range_416()
    {
        var uid = await ReadyVideoAsync();
        var whole = await fixture.Server.Http.GetByteArrayAsync($"/{uid}/downloads/default.mp4");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{uid}/downloads/default.mp4");
        request.Headers.Range = new RangeHeaderValue(100, 1123);
        using var partial = await fixture.Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(whole[100..1124], await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 100-1123/{whole.Length}", partial.Content.Headers.ContentRange!.ToString());

        using var tail = new HttpRequestMessage(HttpMethod.Get, $"/{uid}/downloads/default.mp4");
        tail.Headers.Range = new RangeHeaderValue(null, 10);
        using var tailResponse = await fixture.Server.Http.SendAsync(tail);
        Assert.Equal(whole[^10..], await tailResponse.Content.ReadAsByteArrayAsync());

        using var outside = new HttpRequestMessage(HttpMethod.Get, $"/{uid}/downloads/default.mp4");
        outside.Headers.Range = new RangeHeaderValue(whole.Length + 10, whole.Length + 20);
        using var unsatisfiable = await fixture.Server.Http.SendAsync(outside);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
        Assert.Equal($"bytes */{whole.Length}", unsatisfiable.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task Filename_sets_an_attachment_with_the_extension()
    {
        var uid = await ReadyVideoAsync();
        using var response = await fixture.Server.Http.GetAsync($"/{uid}/downloads/default.mp4?filename=My_Clip-1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("My_Clip-1.mp4", response.Content.Headers.ContentDisposition.FileName?.Trim('"'));
    }

    [Theory]
    [InlineData("bad.name")]
    [InlineData("")]
    [InlineData("a%20b")]
    [InlineData("..%2Fetc")]
    [InlineData("%C3%A9")]
    public async Task Invalid_filename_is_400(string filename)
    {
        var uid = await ReadyVideoAsync();
        using var response = await fixture.Server.Http.GetAsync($"/{uid}/downloads/default.mp4?filename={filename}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("filename", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_long_filename_is_400()
    {
        var uid = await ReadyVideoAsync();
        using var ok = await fixture.Server.Http.GetAsync($"/{uid}/downloads/default.mp4?filename={new string('a', 120)}");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var tooLong = await fixture.Server.Http.GetAsync($"/{uid}/downloads/default.mp4?filename={new string('a', 121)}");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    [Fact]
    public async Task Missing_or_unfinished_downloads_are_404_with_an_explanation()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        using var none = await fixture.Server.Http.GetAsync($"/{uid}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Contains("has no default download", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var unknown = await fixture.Server.Http.GetAsync("/0123456789abcdef0123456789abcdef/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var wrongFile = await fixture.Server.Http.GetAsync($"/{uid}/downloads/original.mov");
        Assert.Equal(HttpStatusCode.NotFound, wrongFile.StatusCode);
    }

    [Fact]
    public async Task Videos_that_require_signed_urls_are_refused_with_401()
    {
        var uid = await ReadyVideoAsync();
        var (status, _) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}", StreamApi.Json("""{"requireSignedURLs":true}"""));
        Assert.Equal(HttpStatusCode.OK, status);
        using var refused = await fixture.Server.Http.GetAsync($"/{uid}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}", StreamApi.Json("""{"requireSignedURLs":false}"""));
        using var served = await fixture.Server.Http.GetAsync($"/{uid}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Allowed_origins_hold_browser_requests_to_their_pages()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.SilentAsync());
        await _api.CreateDownloadAsync(uid);
        await _api.WaitForDownloadAsync(uid, "default");
        var (edited, _) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}", StreamApi.Json("""{"allowedOrigins": ["player.example.com"]}"""));
        Assert.Equal(System.Net.HttpStatusCode.OK, edited);

        async Task<System.Net.HttpStatusCode> FetchAsync(string? origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/{uid}/downloads/default.mp4");
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            using var response = await fixture.Server.Http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(System.Net.HttpStatusCode.OK, await FetchAsync("https://player.example.com"));
        Assert.Equal(System.Net.HttpStatusCode.OK, await FetchAsync(null));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, await FetchAsync("https://evil.test"));
    }
}
