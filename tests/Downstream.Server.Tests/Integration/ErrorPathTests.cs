using System.Net;
using System.Text.Json;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

[Collection(ServerCollection.Name)]
public sealed class ErrorPathTests(ServerFixture fixture)
{
    private const string Unknown = "0123456789abcdef0123456789abcdef";
    private readonly StreamApi _api = fixture.Api;

    private static (int Code, string Message) FirstError(JsonElement body) =>
        (body.GetProperty("errors")[0].GetProperty("code").GetInt32(), body.GetProperty("errors")[0].GetProperty("message").GetString()!);

    [Fact]
    public async Task Unknown_routes_are_404_with_code_7003()
    {
        foreach (var path in new[] { "/client/v4/nothing", "/accounts", "/client/v4/accounts/x/stream/y/z/w" })
        {
            var (status, body) = await _api.SendAsync(HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal(7003, FirstError(body).Code);
        }
    }

    [Fact]
    public async Task Wrong_method_is_405_in_the_envelope()
    {
        var (status, _) = await _api.SendAsync(HttpMethod.Put, $"{_api.Stream}/{Unknown}/downloads");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
    }

    [Fact]
    public async Task Unknown_video_is_404_code_10003()
    {
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"{_api.Stream}/{Unknown}/downloads"),
            (HttpMethod.Post, $"{_api.Stream}/{Unknown}/downloads"),
            (HttpMethod.Delete, $"{_api.Stream}/{Unknown}/downloads/audio"),
            (HttpMethod.Get, $"{_api.Stream}/{Unknown}"),
            (HttpMethod.Delete, $"{_api.Stream}/{Unknown}"),
        })
        {
            var (status, body) = await _api.SendAsync(method, path);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal(10003, FirstError(body).Code);
        }
    }

    [Theory]
    [InlineData("abc", "identifier")]
    [InlineData("0123456789abcdef0123456789abcdef0", "identifier")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF", "identifier")]
    [InlineData("abc..def", "identifier")]
    [InlineData("%2Fetc%2Fpasswd", "identifier")]
    [InlineData("%C3%A9", "identifier")]
    public async Task Bad_identifier_is_400_naming_it(string identifier, string parameter)
    {
        var (status, body) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/{identifier}/downloads");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"'{parameter}'", FirstError(body).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_account_id_is_400_naming_it()
    {
        var (status, body) = await _api.SendAsync(HttpMethod.Get, $"/client/v4/accounts/not-an-account/stream/{Unknown}/downloads");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'account_id'", FirstError(body).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_download_type_is_400_naming_it()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Delete })
        {
            var (status, body) = await _api.SendAsync(method, $"{_api.Stream}/{uid}/downloads/hd");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("'download_type'", FirstError(body).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Downloads_of_a_video_that_is_not_ready_are_400_naming_the_state()
    {
        var video = await _api.UploadAsync(await fixture.Media.TextAsync());
        var uid = video.GetProperty("uid").GetString();
        var (status, body) = await _api.CreateDownloadAsync(uid!);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("state: error", FirstError(body).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_without_multipart_or_without_file_is_400()
    {
        var (status, body) = await _api.SendAsync(HttpMethod.Post, _api.Stream, StreamApi.Json("{}"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("multipart/form-data", FirstError(body).Message, StringComparison.Ordinal);

        using var form = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        (status, body) = await _api.SendAsync(HttpMethod.Post, _api.Stream, form);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'file'", FirstError(body).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broken_or_wrong_json_on_edit_is_400()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        foreach (var json in new[] { "{", "[1]", "\"text\"", """{"meta":5}""", """{"requireSignedURLs":"yes"}""" })
        {
            var (status, _) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}", StreamApi.Json(json));
            Assert.Equal(HttpStatusCode.BadRequest, status);
        }

        // Over a socket: the server answers 413 and closes without reading 2 MiB, and HttpClient may
        // fail on the broken pipe before it reads that answer.
        var over = await RawHttp.SendAsync(fixture.Server.Port, "POST", $"{_api.Stream}/{uid}",
            [$"Authorization: Bearer {ServerProcess.Token}", "Content-Type: application/json"],
            System.Text.Encoding.UTF8.GetBytes("{\"meta\":{\"x\":\"" + new string('a', 2 * 1024 * 1024) + "\"}}"));
        Assert.Equal(413, over.Status);
        StreamApi.AssertEnvelope(HttpStatusCode.RequestEntityTooLarge, JsonDocument.Parse(over.Body).RootElement, "oversized edit");
    }

    [Fact]
    public async Task Copy_needs_a_valid_http_url()
    {
        foreach (var json in new[] { "{}", """{"url":"ftp://example.com/a.mp4"}""", """{"url":"not a url"}""", """{"url":5}""", """{"url":"file:///etc/passwd"}""" })
        {
            var (status, body) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/copy", StreamApi.Json(json));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(10010, FirstError(body).Code);
        }
    }

    [Fact]
    public async Task Bad_list_parameters_are_400_naming_them()
    {
        foreach (var (query, name) in new[] { ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=x", "limit"), ("asc=maybe", "asc"), ("status=done", "status"), ("before=yesterday", "before") })
        {
            var (status, body) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains($"'{name}'", FirstError(body).Message, StringComparison.Ordinal);
        }
    }
}
