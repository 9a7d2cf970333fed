using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

/// <summary>Direct creator uploads: a one-time URL that takes one file without API credentials.</summary>
[Collection(ServerCollection.Name)]
public sealed class DirectUploadTests(ServerFixture fixture)
{
    private readonly StreamApi _api = fixture.Api;

    private async Task<(string Uid, string Url)> CreateAsync(JsonObject body)
    {
        var (status, answer) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/direct_upload", Json(body));
        Assert.True(status == HttpStatusCode.OK, answer.ToString());
        var result = answer.GetProperty("result");
        return (result.GetProperty("uid").GetString()!, result.GetProperty("uploadURL").GetString()!);
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>curl, as an end user's script would: no credentials at all.</summary>
    private static async Task<(int Status, JsonElement Body)> CurlUploadAsync(string url, string file, string? origin = null)
    {
        using var dir = new TempDir();
        string[] arguments = ["-s", "-o", dir.File("answer.json"), "-w", "%{http_code}", "-F", $"file=@{file}", .. origin is null ? Array.Empty<string>() : ["-H", $"Origin: {origin}"], url];
        var (code, output, error) = await Ffmpeg.RunAsync("curl", arguments);
        Assert.True(code == 0, error);
        using var answer = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("answer.json")));
        return (int.Parse(output, System.Globalization.CultureInfo.InvariantCulture), answer.RootElement.Clone());
    }

    private async Task<JsonElement> VideoAsync(string uid) => (await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/{uid}")).Body.GetProperty("result");

    [Fact]
    public async Task The_url_takes_one_file_without_credentials_and_refuses_after()
    {
        var (uid, url) = await CreateAsync(new JsonObject { ["maxDurationSeconds"] = 60, ["meta"] = new JsonObject { ["name"] = "from a creator" }, ["creator"] = "creator-7" });
        Assert.StartsWith($"{fixture.Server.BaseUrl}/upload/{uid}/", url, StringComparison.Ordinal);
        var pending = await VideoAsync(uid);
        Assert.Equal("pendingupload", pending.GetProperty("status").GetProperty("state").GetString());
        Assert.False(pending.GetProperty("readyToStream").GetBoolean());

        var (status, body) = await CurlUploadAsync(url, await fixture.Media.H264AacAsync());
        Assert.True(status == 200, body.ToString());
        Assert.Equal("ready", body.GetProperty("result").GetProperty("status").GetProperty("state").GetString());
        var ready = await VideoAsync(uid);
        Assert.Equal(("ready", "from a creator", "creator-7"), (ready.GetProperty("status").GetProperty("state").GetString(),
            ready.GetProperty("meta").GetProperty("name").GetString(), ready.GetProperty("creator").GetString()));

        (status, body) = await CurlUploadAsync(url, await fixture.Media.H264AacAsync());
        Assert.Equal(410, status);
        StreamApi.AssertEnvelope(HttpStatusCode.Gone, body, "second upload");

        // Downloads work as for any video.
        await _api.CreateDownloadAsync(uid);
        Assert.Equal("ready", (await _api.WaitForDownloadAsync(uid, "default")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_broken_attempt_leaves_the_url_usable_and_a_wrong_secret_is_not_found()
    {
        var (uid, url) = await CreateAsync(new JsonObject { ["maxDurationSeconds"] = 60 });
        using var http = new HttpClient();
        using var cut = new StringContent("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.mp4\"\r\n\r\nonly part of a file");
        cut.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        using (var broken = await http.PostAsync(url, cut))
        {
            Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        }

        var wrong = url[..url.LastIndexOf('/')] + "/" + new string('A', 43);
        Assert.Equal(404, (await CurlUploadAsync(wrong, await fixture.Media.H264AacAsync())).Status);
        Assert.Equal(404, (await CurlUploadAsync($"{fixture.Server.BaseUrl}/upload/{uid}/short", await fixture.Media.H264AacAsync())).Status);

        var (status, body) = await CurlUploadAsync(url, await fixture.Media.H264AacAsync());
        Assert.True(status == 200, body.ToString());
    }

    [Fact]
    public async Task A_second_upload_while_one_is_in_progress_is_423_and_the_first_then_completes()
    {
        var (uid, url) = await CreateAsync(new JsonObject { ["maxDurationSeconds"] = 60 });
        var bytes = await File.ReadAllBytesAsync(await fixture.Media.H264AacAsync());
        const string boundary = "held-boundary";
        var head = Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.mp4\"\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
        var path = new Uri(url).PathAndQuery;

        // The first upload sends its head and half its file, then waits. A probe with a body that is no multipart is
        // refused 423 while the first holds the URL (or, when the probe was first, 400 and the URL is free again;
        // a first upload that lost that race was answered 423 itself and is sent again).
        System.Net.Sockets.TcpClient? held = null;
        using var http = new HttpClient();
        try
        {
            await Poll.UntilAsync(
                async () =>
                {
                    if (held is null || held.Client.Poll(0, System.Net.Sockets.SelectMode.SelectRead))
                    {
                        held?.Dispose();
                        held = new System.Net.Sockets.TcpClient();
                        await held.ConnectAsync(IPAddress.Loopback, fixture.Server.Port);
                        await held.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
                            $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
                            + $"Content-Length: {head.Length + bytes.Length + tail.Length}\r\n\r\n"));
                        await held.GetStream().WriteAsync(head);
                        await held.GetStream().WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                    }

                    using var probe = await http.PostAsync(url, new StringContent("not multipart"));
                    return probe.StatusCode;
                },
                status => status == HttpStatusCode.Locked, TimeSpan.FromSeconds(30), "the second upload to be refused as busy");

            var stream = held!.GetStream();
            await stream.WriteAsync(bytes.AsMemory(bytes.Length / 2));
            await stream.WriteAsync(tail);
            var answer = new byte[8192];
            var read = await stream.ReadAsync(answer);
            Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(answer, 0, read), StringComparison.Ordinal);
        }
        finally
        {
            held?.Dispose();
        }

        Assert.Equal("ready", (await VideoAsync(uid)).GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(410, (await CurlUploadAsync(url, await fixture.Media.H264AacAsync())).Status);
    }

    [Fact]
    public async Task A_file_longer_than_max_duration_is_refused_and_the_video_ends_in_error()
    {
        var (uid, url) = await CreateAsync(new JsonObject { ["maxDurationSeconds"] = 1 });
        var (status, body) = await CurlUploadAsync(url, await fixture.Media.H264AacAsync());
        Assert.Equal(400, status);
        Assert.Contains("ERR_DURATION_EXCEED_CONSTRAINT", body.ToString(), StringComparison.Ordinal);
        var video = await VideoAsync(uid);
        Assert.Equal("error", video.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("ERR_DURATION_EXCEED_CONSTRAINT", video.GetProperty("status").GetProperty("errorReasonCode").GetString());
        Assert.Equal(410, (await CurlUploadAsync(url, await fixture.Media.H264AacAsync())).Status);
    }

    [Fact]
    public async Task An_expired_url_refuses_and_its_video_ends_in_error()
    {
        var expiry = DateTimeOffset.UtcNow.AddSeconds(3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var (uid, url) = await CreateAsync(new JsonObject { ["maxDurationSeconds"] = 60, ["expiry"] = expiry });

        // Bodies that are not uploads use no attempt up; the first refusal as expired ends the wait.
        using var http = new HttpClient();
        await Poll.UntilAsync(async () =>
        {
            using var response = await http.PostAsync(url, new StringContent("not a form"));
            return response.StatusCode;
        }, s => s == HttpStatusCode.Gone, TimeSpan.FromSeconds(30), "the upload URL to expire");

        var video = await VideoAsync(uid);
        Assert.Equal("error", video.GetProperty("status").GetProperty("state").GetString());
        Assert.Contains("expired", video.GetProperty("status").GetProperty("errorReasonText").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Browsers_may_upload_only_from_the_allowed_origins()
    {
        var (_, url) = await CreateAsync(new JsonObject { ["maxDurationSeconds"] = 60, ["allowedOrigins"] = new JsonArray("example.com") });
        using var http = new HttpClient();
        using (var preflight = new HttpRequestMessage(HttpMethod.Options, url))
        {
            preflight.Headers.Add("Origin", "https://example.com");
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            using var allowed = await http.SendAsync(preflight);
            Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
            Assert.Equal("https://example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Contains("POST", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        }

        using (var preflight = new HttpRequestMessage(HttpMethod.Options, url))
        {
            preflight.Headers.Add("Origin", "https://evil.test");
            using var refused = await http.SendAsync(preflight);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        }

        Assert.Equal(403, (await CurlUploadAsync(url, await fixture.Media.H264AacAsync(), origin: "https://evil.test")).Status);
        var (status, body) = await CurlUploadAsync(url, await fixture.Media.H264AacAsync(), origin: "https://example.com");
        Assert.True(status == 200, body.ToString());
    }

    [Fact]
    public async Task Creation_checks_its_fields()
    {
        foreach (var (body, names) in new (JsonObject, string)[]
        {
            (new JsonObject(), "maxDurationSeconds"),
            (new JsonObject { ["maxDurationSeconds"] = 60, ["expiry"] = DateTimeOffset.UtcNow.AddHours(7).ToString("O", System.Globalization.CultureInfo.InvariantCulture) }, "expiry"),
            (new JsonObject { ["maxDurationSeconds"] = 60, ["expiry"] = "tomorrow" }, "expiry"),
            (new JsonObject { ["maxDurationSeconds"] = "long" }, "maxDurationSeconds"),
        })
        {
            var (status, answer) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/direct_upload", Json(body));
            Assert.True(status == HttpStatusCode.BadRequest, $"{body.ToJsonString()}: {status}");
            Assert.Contains(names, answer.ToString(), StringComparison.Ordinal);
        }
    }
}
