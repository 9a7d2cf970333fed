using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

/// <summary>tus 1.0.0 uploads by raw requests: creation, HEAD, PATCH, termination and every refusal the protocol names.</summary>
[Collection(ServerCollection.Name)]
public sealed class TusTests(ServerFixture fixture)
{
    private readonly StreamApi _api = fixture.Api;

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static HttpRequestMessage Tus(HttpMethod method, string url, string? token = ServerProcess.Token)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return request;
    }

    public static async Task<HttpResponseMessage> CreateAsync(HttpClient http, string stream, long length, string? metadata = null, string query = "")
    {
        using var request = Tus(HttpMethod.Post, stream + query);
        request.Headers.Add("Upload-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (metadata is not null)
        {
            request.Headers.TryAddWithoutValidation("Upload-Metadata", metadata);
        }

        return await http.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PatchAsync(HttpClient http, string url, long offset, ReadOnlyMemory<byte> chunk, string? token = ServerProcess.Token, Action<HttpRequestMessage>? configure = null)
    {
        using var request = Tus(HttpMethod.Patch, url, token);
        request.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Content = new ReadOnlyMemoryContent(chunk);
        request.Content.Headers.ContentType = new("application/offset+octet-stream");
        configure?.Invoke(request);
        return await http.SendAsync(request);
    }

    public static async Task<long> HeadOffsetAsync(HttpClient http, string url, string? token = ServerProcess.Token)
    {
        using var request = Tus(HttpMethod.Head, url, token);
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"HEAD {url}: {response.StatusCode}");
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A raw PATCH at offset 0 that announces all of <paramref name="bytes"/> and sends the first <paramref name="count"/>.</summary>
    private sealed class HeldPatch(TcpClient client) : IDisposable
    {
        public TcpClient Client => client;

        /// <summary>Whether the server answered it already (it lost the race for the upload's lock).</summary>
        public bool Answered => client.Client.Poll(0, SelectMode.SelectRead);

        public void Dispose() => client.Dispose();
    }

    /// <summary>
    /// Starts a PATCH that holds the upload's lock while it waits for the rest of its body. A probe at a wrong offset
    /// tells when it does: 423 (the held one has the lock) rather than 409. A held request that lost the race to a
    /// probe was answered 423 itself: it is sent again.
    /// </summary>
    private async Task<HeldPatch> HeldPatchAsync(string location, byte[] bytes, int count)
    {
        HeldPatch? held = null;
        await Poll.UntilAsync(
            async () =>
            {
                if (held is null || held.Answered)
                {
                    held?.Dispose();
                    var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, fixture.Server.Port);
                    held = new HeldPatch(client);
                    var head = $"PATCH {new Uri(location).PathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {ServerProcess.Token}\r\n"
                        + $"Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {bytes.Length}\r\n\r\n";
                    await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
                    await client.GetStream().WriteAsync(bytes.AsMemory(0, count));
                }

                using var probe = await PatchAsync(fixture.Server.Http, location, bytes.Length + 1L, Array.Empty<byte>());
                return probe.StatusCode;
            },
            status => status == HttpStatusCode.Locked, TimeSpan.FromSeconds(30), "the held PATCH to hold the upload");
        return held!;
    }

    /// <summary>How much of a chunk in flight the server has written: the upload's file, or (S3) the chunk's staging file.</summary>
    private long BytesReceived(string uid)
    {
        if (Backends.PostgresS3)
        {
            return fixture.Server.Media.StagingFiles().Select(f => new FileInfo(f).Length).DefaultIfEmpty(0).Max();
        }

        var file = new FileInfo(Path.Combine(fixture.Server.DataDir, "media", "videos", uid, "upload.tus"));
        return file.Exists ? file.Length : 0;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    private async Task<(string Uid, string Location)> NewUploadAsync(long length, string? metadata = null)
    {
        using var created = await CreateAsync(fixture.Server.Http, _api.Stream, length, metadata);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (created.Headers.GetValues("stream-media-id").Single(), created.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Creation_heads_and_patches_make_a_video_that_is_probed_and_stored_whole()
    {
        var bytes = await File.ReadAllBytesAsync(await fixture.Media.H264AacAsync());
        using var created = await CreateAsync(fixture.Server.Http, _api.Stream, bytes.Length, $"name {B64("clip.mp4")}, requiresignedurls, allowedorigins {B64("example.com,test.com")}, MaxDurationSeconds {B64("600")}, relativePath {B64("null")}");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("1.0.0", created.Headers.GetValues("Tus-Resumable").Single());
        var uid = created.Headers.GetValues("stream-media-id").Single();
        var location = created.Headers.Location!;
        Assert.True(location.IsAbsoluteUri, location.ToString());
        Assert.Equal(uid, location.Segments[^1]);
        Assert.EndsWith($"{_api.Stream}/{uid}", location.AbsolutePath, StringComparison.Ordinal);
        Assert.True(created.Headers.Contains("Upload-Expires"));

        var video = (await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/{uid}")).Body.GetProperty("result");
        Assert.Equal("pendingupload", video.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("clip.mp4", video.GetProperty("meta").GetProperty("name").GetString());
        Assert.Equal("null", video.GetProperty("meta").GetProperty("relativePath").GetString());
        Assert.True(video.GetProperty("requireSignedURLs").GetBoolean());
        Assert.Equal("[\"example.com\",\"test.com\"]", video.GetProperty("allowedOrigins").GetRawText());
        Assert.Equal(600, video.GetProperty("maxDurationSeconds").GetInt32());

        using (var head = Tus(HttpMethod.Head, location.ToString()))
        using (var answer = await fixture.Server.Http.SendAsync(head))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("0", answer.Headers.GetValues("Upload-Offset").Single());
            Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.Headers.GetValues("Upload-Length").Single());
            Assert.StartsWith("name ", answer.Headers.GetValues("Upload-Metadata").Single(), StringComparison.Ordinal);
            Assert.Equal("no-store", answer.Headers.CacheControl?.ToString());
        }

        var half = bytes.Length / 2;
        using (var first = await PatchAsync(fixture.Server.Http, location.ToString(), 0, bytes.AsMemory(0, half)))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
            Assert.Equal(half.ToString(System.Globalization.CultureInfo.InvariantCulture), first.Headers.GetValues("Upload-Offset").Single());
        }

        // The wrong offset is 409 (the client reads HEAD again); a PATCH without the tus content type is 415.
        using (var stale = await PatchAsync(fixture.Server.Http, location.ToString(), 0, bytes.AsMemory(0, 10)))
        {
            Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
            Assert.Equal("1.0.0", stale.Headers.GetValues("Tus-Resumable").Single());
        }

        using (var wrongType = await PatchAsync(fixture.Server.Http, location.ToString(), half, bytes.AsMemory(half), configure: r => r.Content!.Headers.ContentType = new("application/octet-stream")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        }

        // Past Upload-Length: 413, and nothing of it counts.
        using (var tooLong = await PatchAsync(fixture.Server.Http, location.ToString(), half, new byte[bytes.Length]))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLong.StatusCode);
        }

        Assert.Equal(half, await HeadOffsetAsync(fixture.Server.Http, location.ToString()));
        using (var last = await PatchAsync(fixture.Server.Http, location.ToString(), half, bytes.AsMemory(half)))
        {
            Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
            Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), last.Headers.GetValues("Upload-Offset").Single());
            Assert.False(last.Headers.Contains("Upload-Expires"));
        }

        var ready = await _api.WaitForVideoAsync(uid);
        Assert.Equal("ready", ready.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(bytes.Length, ready.GetProperty("size").GetInt64());
        Assert.Equal(Sha256(bytes), Sha256((await fixture.Server.Media.ReadAsync($"videos/{uid}/source"))!));
        Assert.Equal(bytes.Length, await HeadOffsetAsync(fixture.Server.Http, location.ToString()));
    }

    [Fact]
    public async Task A_chunk_cut_mid_body_keeps_what_arrived_and_the_upload_resumes_from_there()
    {
        var bytes = await File.ReadAllBytesAsync(await fixture.Media.H264AacAsync());
        var (uid, location) = await NewUploadAsync(bytes.Length);
        var sent = bytes.Length / 3;

        // Announce the whole file, send a third, and close the connection (FIN) once the server is reading it.
        using (var held = await HeldPatchAsync(location, bytes, sent))
        {
            // Bytes the server has not read off the socket when the client goes are not the server's to keep
            // (Kestrel drops them with the connection): cut once they are in the upload's file.
            await Poll.UntilAsync(() => Task.FromResult(BytesReceived(uid)), n => n >= sent, TimeSpan.FromSeconds(20), "the chunk's bytes to reach the server's file");
            held.Client.Client.Shutdown(SocketShutdown.Send);
        }

        var offset = await Poll.UntilAsync(() => HeadOffsetAsync(fixture.Server.Http, location), o => o > 0, TimeSpan.FromSeconds(20), "the cut chunk's bytes to be recorded");
        Assert.InRange(offset, 1, sent);
        using (var rest = await Poll.UntilAsync(
            () => PatchAsync(fixture.Server.Http, location, offset, bytes.AsMemory((int)offset)),
            r => r.StatusCode != HttpStatusCode.Locked, TimeSpan.FromSeconds(20), "the cut request's lock to go"))
        {
            Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        }

        Assert.Equal("ready", (await _api.WaitForVideoAsync(uid)).GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(Sha256(bytes), Sha256((await fixture.Server.Media.ReadAsync($"videos/{uid}/source"))!));
    }

    [Fact]
    public async Task Two_patches_racing_on_one_upload_cannot_both_append()
    {
        var bytes = await File.ReadAllBytesAsync(await fixture.Media.H264AacAsync());
        var (uid, location) = await NewUploadAsync(bytes.Length);

        // The first PATCH sends its head and half its body, then waits: it holds the upload.
        var half = bytes.Length / 2;
        using var held = await HeldPatchAsync(location, bytes, half);

        // The second, at the same offset, is refused while the first holds it: 423, which tus clients retry.
        using (var second = await PatchAsync(fixture.Server.Http, location, 0, bytes))
        {
            Assert.Equal(HttpStatusCode.Locked, second.StatusCode);
        }

        var stream = held.Client.GetStream();
        await stream.WriteAsync(bytes.AsMemory(half));
        var answer = new byte[4096];
        var read = await stream.ReadAsync(answer);
        Assert.StartsWith("HTTP/1.1 204", Encoding.ASCII.GetString(answer, 0, read), StringComparison.Ordinal);

        // Once whole, a late PATCH of the same bytes is 409 and changes nothing.
        using (var late = await PatchAsync(fixture.Server.Http, location, 0, bytes))
        {
            Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        }

        Assert.Equal("ready", (await _api.WaitForVideoAsync(uid)).GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(Sha256(bytes), Sha256((await fixture.Server.Media.ReadAsync($"videos/{uid}/source"))!));
    }

    [Fact]
    public async Task Termination_removes_the_upload_its_video_and_its_bytes()
    {
        var bytes = await File.ReadAllBytesAsync(await fixture.Media.H264AacAsync());
        var (uid, location) = await NewUploadAsync(bytes.Length);
        using (var first = await PatchAsync(fixture.Server.Http, location, 0, bytes.AsMemory(0, 1000)))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        Assert.NotEmpty(await fixture.Server.Media.KeysAsync($"videos/{uid}/"));
        using (var delete = Tus(HttpMethod.Delete, location))
        using (var answer = await fixture.Server.Http.SendAsync(delete))
        {
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        }

        using (var head = Tus(HttpMethod.Head, location))
        using (var answer = await fixture.Server.Http.SendAsync(head))
        {
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }

        Assert.Empty(await fixture.Server.Media.KeysAsync($"videos/{uid}/"));
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/{uid}")).Status);
    }

    [Fact]
    public async Task Options_announces_the_protocol_and_other_versions_are_412()
    {
        using (var options = new HttpRequestMessage(HttpMethod.Options, _api.Stream))
        using (var answer = await fixture.Server.Http.SendAsync(options))
        {
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
            Assert.Equal("1.0.0", answer.Headers.GetValues("Tus-Version").Single());
            Assert.Equal("creation,expiration,termination", answer.Headers.GetValues("Tus-Extension").Single());
            Assert.True(long.Parse(answer.Headers.GetValues("Tus-Max-Size").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        }

        using var old = new HttpRequestMessage(HttpMethod.Post, _api.Stream);
        old.Headers.Add("Tus-Resumable", "0.2.2");
        old.Headers.Add("Upload-Length", "10");
        old.Headers.Authorization = new("Bearer", ServerProcess.Token);
        using var refused = await fixture.Server.Http.SendAsync(old);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Equal("1.0.0", refused.Headers.GetValues("Tus-Version").Single());
        StreamApi.AssertEnvelope(refused.StatusCode, JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement, "412");
    }

    [Theory]
    [InlineData(null, "Upload-Length is required")]
    [InlineData("-1", "Upload-Length must be a whole number")]
    [InlineData("ten", "Upload-Length must be a whole number")]
    [InlineData("99999999999999", "larger than the limit")]
    public async Task A_creation_without_a_sound_length_is_refused_with_a_clear_error(string? length, string message)
    {
        using var request = Tus(HttpMethod.Post, _api.Stream);
        if (length is not null)
        {
            request.Headers.TryAddWithoutValidation("Upload-Length", length);
        }

        using var answer = await fixture.Server.Http.SendAsync(request);
        Assert.True((int)answer.StatusCode is 400 or 413, answer.StatusCode.ToString());
        var body = await answer.Content.ReadAsStringAsync();
        StreamApi.AssertEnvelope(answer.StatusCode, JsonDocument.Parse(body).RootElement, "creation");
        Assert.Contains(message, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name !!notbase64", "not base64")]
    [InlineData("name YQ==, NAME YQ==", "twice")]
    [InlineData("maxdurationseconds eA==", "must be a number")]
    [InlineData("thumbnailtimestamppct Mi41", "thumbnailTimestampPct")]
    [InlineData("expiry MjAwMC0wMS0wMVQwMDowMDowMFo=", "expiry")]
    public async Task Bad_metadata_is_a_400_naming_the_key(string metadata, string message)
    {
        using var answer = await CreateAsync(fixture.Server.Http, _api.Stream, 100, metadata);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains(message, await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_with_the_method_override_header_is_a_patch_and_a_read_only_token_cannot_append()
    {
        var bytes = await File.ReadAllBytesAsync(await fixture.Media.H264AacAsync());
        var (uid, location) = await NewUploadAsync(bytes.Length);
        var (_, readToken) = await TokensCli.CreateAsync(fixture.Server.DataDir, readOnly: true);
        using (var refused = await PatchAsync(fixture.Server.Http, location, 0, bytes, token: readToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Equal(0, await HeadOffsetAsync(fixture.Server.Http, location, readToken));
        using var request = Tus(HttpMethod.Post, location);
        request.Headers.Add("X-HTTP-Method-Override", "PATCH");
        request.Headers.Add("Upload-Offset", "0");
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new("application/offset+octet-stream");
        using var answer = await fixture.Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("ready", (await _api.WaitForVideoAsync(uid)).GetProperty("status").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Another_account_and_unknown_uploads_are_404()
    {
        var (uid, location) = await NewUploadAsync(100);
        var other = location.Replace(ServerProcess.AccountId, "0123456789abcdef0123456789abcdef", StringComparison.Ordinal);
        using (var head = Tus(HttpMethod.Head, other))
        using (var answer = await fixture.Server.Http.SendAsync(head))
        {
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }

        using (var head = Tus(HttpMethod.Head, location.Replace(uid, "0123456789abcdef0123456789abcdef", StringComparison.Ordinal)))
        using (var answer = await fixture.Server.Http.SendAsync(head))
        {
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }

        // An empty file is finished at creation, and refused as no video.
        using var empty = await CreateAsync(fixture.Server.Http, _api.Stream, 0);
        Assert.Equal(HttpStatusCode.Created, empty.StatusCode);
        var video = await _api.WaitForVideoAsync(empty.Headers.GetValues("stream-media-id").Single());
        Assert.Equal("ERR_NON_VIDEO", video.GetProperty("status").GetProperty("errorReasonCode").GetString());
    }

    [Fact]
    public async Task A_direct_user_upload_url_works_without_credentials_for_allowed_origins_only()
    {
        var bytes = await File.ReadAllBytesAsync(await fixture.Media.H264AacAsync());
        using var created = await CreateAsync(fixture.Server.Http, _api.Stream, bytes.Length, $"maxdurationseconds {B64("60")},allowedorigins {B64("uploads.example")}", "?direct_user=true");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var uid = created.Headers.GetValues("stream-media-id").Single();
        var location = created.Headers.Location!;
        Assert.Equal($"/tus/{uid}", location.AbsolutePath);
        Assert.Contains("token=", location.Query, StringComparison.Ordinal);

        // Without its token the URL is unknown; with it, no other credential is needed.
        using (var head = Tus(HttpMethod.Head, $"{fixture.Server.BaseUrl}/tus/{uid}", token: null))
        using (var answer = await fixture.Server.Http.SendAsync(head))
        {
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }

        Assert.Equal(0, await HeadOffsetAsync(fixture.Server.Http, location.ToString(), token: null));

        // A page on another origin gets no CORS answer and no upload; an allowed one does.
        using (var preflight = new HttpRequestMessage(HttpMethod.Options, location))
        {
            preflight.Headers.Add("Origin", "https://evil.example");
            preflight.Headers.Add("Access-Control-Request-Method", "PATCH");
            using var answer = await fixture.Server.Http.SendAsync(preflight);
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }

        using (var foreign = await PatchAsync(fixture.Server.Http, location.ToString(), 0, bytes, token: null, configure: r => r.Headers.Add("Origin", "https://evil.example")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        }

        using (var preflight = new HttpRequestMessage(HttpMethod.Options, location))
        {
            preflight.Headers.Add("Origin", "https://uploads.example");
            preflight.Headers.Add("Access-Control-Request-Method", "PATCH");
            using var answer = await fixture.Server.Http.SendAsync(preflight);
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
            Assert.Equal("https://uploads.example", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Contains("Upload-Offset", answer.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.Ordinal);
        }

        using (var patch = await PatchAsync(fixture.Server.Http, location.ToString(), 0, bytes, token: null, configure: r => r.Headers.Add("Origin", "https://uploads.example")))
        {
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
            Assert.Contains("Upload-Offset", patch.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
        }

        Assert.Equal("ready", (await _api.WaitForVideoAsync(uid)).GetProperty("status").GetProperty("state").GetString());

        // The end user's URL cannot delete the video the upload became.
        using var delete = Tus(HttpMethod.Delete, location.ToString(), token: null);
        using var gone = await fixture.Server.Http.SendAsync(delete);
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/{uid}")).Status);
    }

    [Fact]
    public async Task A_direct_user_upload_past_its_expiry_is_gone()
    {
        var expiry = DateTimeOffset.UtcNow.AddSeconds(2).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        using var created = await CreateAsync(fixture.Server.Http, _api.Stream, 1000, $"expiry {B64(expiry)}", "?direct_user=true");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.ToString();
        var answer = await Poll.UntilAsync(
            async () =>
            {
                using var head = Tus(HttpMethod.Head, location, token: null);
                using var response = await fixture.Server.Http.SendAsync(head);
                return response.StatusCode;
            },
            status => status != HttpStatusCode.OK, TimeSpan.FromSeconds(20), "the upload to expire");
        Assert.Equal(HttpStatusCode.Gone, answer);
        using var patch = await PatchAsync(fixture.Server.Http, location, 0, new byte[1000], token: null);
        Assert.Equal(HttpStatusCode.Gone, patch.StatusCode);
    }
}
