using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Reliability;

/// <summary>
/// Hundreds of malformed requests, sent byte for byte: every one gets a 4xx (an envelope whenever the
/// request reaches the application), none a 5xx, and the server's data is intact afterwards.
/// </summary>
public sealed class BadInputSweepTests : IAsyncLifetime
{
    private readonly TempDir _data = new("downstream-sweep");
    private readonly MediaFiles _media = new();
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_data.Path);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _media.Dispose();
        _data.Dispose();
    }

    /// <param name="Bodiless">Rejected by Kestrel itself (malformed request line, oversized headers): a 4xx without a body.</param>
    /// <param name="MayServe">
    /// A malformed Range is ignored, as RFC 9110 says, and a trailing <c>..</c> is a dot segment that
    /// Kestrel resolves to the parent route (RFC 3986): these may succeed.
    /// </param>
    private sealed record Case(string Name, string Method, string Target, string[] Headers, byte[]? Body, bool Bodiless = false, bool MayServe = false);

    [Fact]
    public async Task Malformed_requests_get_4xx_envelopes_and_leave_the_data_intact()
    {
        var api = new StreamApi(_server.Http);
        var uid = await api.UploadReadyAsync(await _media.H264AacAsync());
        await api.CreateDownloadAsync(uid);
        await api.WaitForDownloadAsync(uid, "default");
        var fileBefore = SHA256.HashData(await _server.Http.GetByteArrayAsync($"/{uid}/downloads/default.mp4"));
        var (_, listBefore) = await api.SendAsync(HttpMethod.Get, api.Stream + "?include_counts=true");

        var cases = Cases(uid).ToList();
        Assert.True(cases.Count >= 300, $"only {cases.Count} cases");
        var failures = new List<string>();
        foreach (var batch in cases.Chunk(8))
        {
            var results = await Task.WhenAll(batch.Select(async c => (Case: c, Response: await RawHttp.SendAsync(_server.Port, c.Method, c.Target, c.Headers, c.Body))));
            foreach (var (c, response) in results)
            {
                if (Check(c, response) is { } problem)
                {
                    failures.Add($"{c.Name}: {c.Method} {Clip(c.Target)} -> {response.Status} {Clip(response.Text)}: {problem}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases failed:\n" + string.Join('\n', failures.Take(40)));

        using var health = await _server.Http.GetAsync("/health");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(fileBefore, SHA256.HashData(await _server.Http.GetByteArrayAsync($"/{uid}/downloads/default.mp4")));
        var (_, listAfter) = await api.SendAsync(HttpMethod.Get, api.Stream + "?include_counts=true");
        Assert.Equal(listBefore.GetProperty("total").GetInt32(), listAfter.GetProperty("total").GetInt32());
        var (_, downloads) = await api.GetDownloadsAsync(uid);
        Assert.Equal("ready", downloads.GetProperty("result").GetProperty("default").GetProperty("status").GetString());
        Assert.DoesNotContain("Unhandled error", _server.Output, StringComparison.Ordinal);
    }

    private static string? Check(Case c, RawHttp.Response response)
    {
        if (response.Status == 0)
        {
            return "no HTTP answer";
        }

        if (response.Status >= 500)
        {
            return "server error";
        }

        if (c.MayServe && response.Status is >= 200 and < 300 or 416)
        {
            return null;
        }

        if (response.Status is < 400 or >= 500)
        {
            return "expected a 4xx";
        }

        if (response.Body.Length == 0)
        {
            return c.Bodiless ? null : "4xx without an envelope";
        }

        try
        {
            using var document = JsonDocument.Parse(response.Body);
            var root = document.RootElement;
            return root.GetProperty("success").GetBoolean() is false
                && root.GetProperty("result").ValueKind == JsonValueKind.Null
                && root.GetProperty("errors")[0].GetProperty("code").GetInt32() >= 1000
                && root.GetProperty("errors")[0].GetProperty("message").GetString() is { Length: > 0 }
                ? null
                : "not a failure envelope";
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return "body is not the envelope: " + ex.Message;
        }
    }

    private static string Clip(string text) => text.Length > 120 ? text[..120] + "..." : text;

    private static IEnumerable<Case> Cases(string uid)
    {
        var account = ServerProcess.AccountId;
        var stream = $"/client/v4/accounts/{account}/stream";
        string[] auth = [$"Authorization: Bearer {ServerProcess.Token}"];
        string[] json = [.. auth, "Content-Type: application/json"];

        string[] badIds =
        [
            "0", "abc", new string('a', 33), new string('b', 64), "0123456789ABCDEF0123456789ABCDEF", new string('g', 32),
            "..", "%2e%2e", "%2f", "a%2fb", "..%2f..%2fetc%2fpasswd", "%00", "%C3%A9", "%F0%9F%8E%A5", "%3Cscript%3E",
            "'%20OR%201=1--", new string('a', 1000), "%25", "%zz", "%E2%80%AE", "null", "-1", uid + "%20", uid + "0", uid.ToUpperInvariant(),
        ];
        foreach (var id in badIds)
        {
            // Kestrel itself refuses a NUL in the path; a last segment of ".." resolves to the parent route.
            var nul = id == "%00";
            var dots = id is ".." or "%2e%2e";
            yield return new("bad id", "GET", $"{stream}/{id}", auth, null, nul, dots);
            yield return new("bad id", "GET", $"{stream}/{id}/downloads", auth, null, nul);
            yield return new("bad id", "POST", $"{stream}/{id}/downloads", auth, [], nul);
            yield return new("bad id", "DELETE", $"{stream}/{id}/downloads/audio", auth, null, nul);
            yield return new("bad type", "POST", $"{stream}/{uid}/downloads/{id}", auth, [], nul, dots);
            yield return new("bad account", "GET", $"/client/v4/accounts/{id}/stream", auth, null, nul);
            yield return new("bad media id", "GET", $"/{id}/downloads/default.mp4", [], null, nul);
            yield return new("bad media file", "GET", $"/{uid}/downloads/{id}", [], null, nul, dots);
        }

        // Raw non-ASCII bytes in the request line are refused by Kestrel before the application.
        yield return new("raw unicode", "GET", $"{stream}/é/downloads", auth, null, Bodiless: true);
        yield return new("empty id", "GET", $"{stream}//downloads", auth, null);
        yield return new("empty account", "GET", "/client/v4/accounts//stream", auth, null);

        string[] brokenJson =
        [
            "{", "}", "{\"a\":}", "[", "nul", "{\"meta\":{\"name\":", "\"unterminated", "{\"a\":1,}", "{'a':1}", "{\"a\":NaN}",
            new string('[', 1000) + new string(']', 1000), "{\"a\":\"\\uZZZZ\"}",
        ];
        foreach (var body in brokenJson)
        {
            yield return new("broken json", "POST", $"{stream}/{uid}", json, Encoding.UTF8.GetBytes(body));
            yield return new("broken json", "POST", $"{stream}/copy", json, Encoding.UTF8.GetBytes(body));
            yield return new("broken json", "POST", $"{stream}/{uid}/downloads", json, Encoding.UTF8.GetBytes(body));
        }

        foreach (var route in new[] { $"{stream}/{uid}", $"{stream}/copy", $"{stream}/{uid}/downloads/audio" })
        {
            yield return new("invalid utf-8", "POST", route, json, [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
            yield return new("huge json", "POST", route, json, Encoding.UTF8.GetBytes("{\"a\":\"" + new string('x', 2 * 1024 * 1024) + "\"}"));
        }

        string[] wrongEdits =
        [
            "{\"meta\":5}", "{\"meta\":\"x\"}", "{\"meta\":[1]}", "{\"requireSignedURLs\":\"yes\"}", "{\"requireSignedURLs\":1}",
            "{\"creator\":5}", $"{{\"creator\":\"{new string('c', 65)}\"}}", "{\"thumbnailTimestampPct\":-1}", "{\"thumbnailTimestampPct\":2}",
            "{\"thumbnailTimestampPct\":\"x\"}", "{\"maxDurationSeconds\":0}", "{\"maxDurationSeconds\":99999}", "{\"maxDurationSeconds\":1.5}",
            "{\"scheduledDeletion\":\"x\"}", "{\"scheduledDeletion\":5}", "{\"scheduledDeletion\":\"2000-01-01T00:00:00Z\"}",
            "{\"allowedOrigins\":\"x\"}", "{\"allowedOrigins\":[1]}", "[]", "5", "\"text\"", "true",
        ];
        foreach (var body in wrongEdits)
        {
            yield return new("wrong edit", "POST", $"{stream}/{uid}", json, Encoding.UTF8.GetBytes(body));
        }

        string[] wrongCopies =
        [
            "{}", "{\"url\":5}", "{\"url\":\"ftp://example.com/a.mp4\"}", "{\"url\":\"javascript:alert(1)\"}", "{\"url\":\"/relative.mp4\"}",
            $"{{\"url\":\"http://127.0.0.1/{new string('a', 3000)}\"}}", "{\"url\":\"http://127.0.0.1/a.mp4\",\"meta\":\"x\"}",
            "{\"url\":\"file:///etc/passwd\"}", "{\"url\":\"\"}", "{\"url\":null}", "[]",
        ];
        foreach (var body in wrongCopies)
        {
            yield return new("wrong copy", "POST", $"{stream}/copy", json, Encoding.UTF8.GetBytes(body));
        }

        var video = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.mp4\"\r\n\r\n0123456789";
        (string ContentType, string Body)[] uploads =
        [
            ("text/plain", "just text"), ("application/json", "{}"), ("multipart/form-data", video + "\r\n--b--\r\n"),
            ("multipart/form-data; boundary=b", "garbage without boundaries"), ($"multipart/form-data; boundary={new string('b', 300)}", "x"),
            ("multipart/form-data; boundary=b", ""), ("multipart/form-data; boundary=b", video), ("application/x-www-form-urlencoded", "file=abc"),
            ("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n"),
            ("multipart/form-data; boundary=b", "--b\r\nbroken header line\r\n\r\nx\r\n--b--\r\n"),
        ];
        foreach (var (contentType, body) in uploads)
        {
            yield return new("bad upload", "POST", stream, [.. auth, $"Content-Type: {contentType}"], Encoding.UTF8.GetBytes(body));
        }

        yield return new("tus without a length", "POST", stream, [.. auth, "Tus-Resumable: 1.0.0"], []);
        yield return new("tus with a negative length", "POST", stream, [.. auth, "Tus-Resumable: 1.0.0", "Upload-Length: -10"], []);
        yield return new("tus with a deferred length", "POST", stream, [.. auth, "Tus-Resumable: 1.0.0", "Upload-Defer-Length: 1"], []);
        yield return new("tus of another version", "POST", stream, [.. auth, "Tus-Resumable: 0.2.2", "Upload-Length: 10"], []);
        yield return new("tus with broken metadata", "POST", stream, [.. auth, "Tus-Resumable: 1.0.0", "Upload-Length: 10", "Upload-Metadata: name %%%"], []);
        yield return new("tus PATCH of a video that is no upload", "PATCH", $"{stream}/{uid}", [.. auth, "Tus-Resumable: 1.0.0", "Upload-Offset: 0", "Content-Type: application/offset+octet-stream"], [1, 2, 3]);
        yield return new("tus PATCH without an offset", "PATCH", $"{stream}/{uid}", [.. auth, "Tus-Resumable: 1.0.0", "Content-Type: application/offset+octet-stream"], [1, 2, 3]);
        yield return new("tus HEAD of a video that is no upload", "HEAD", $"{stream}/{uid}", [.. auth, "Tus-Resumable: 1.0.0"], null, Bodiless: true);
        yield return new("tus direct URL without a token", "PATCH", $"/tus/{uid}", ["Tus-Resumable: 1.0.0", "Upload-Offset: 0", "Content-Type: application/offset+octet-stream"], [1, 2, 3]);
        yield return new("oversized header", "GET", $"{stream}/{uid}", [.. auth, "X-Big: " + new string('h', 64 * 1024)], null, Bodiless: true);
        yield return new("too many headers", "GET", $"{stream}/{uid}", [.. auth, .. Enumerable.Range(0, 150).Select(i => $"X-H{i}: v")], null, Bodiless: true);
        yield return new("oversized request line", "GET", $"{stream}/{uid}?q={new string('q', 16 * 1024)}", auth, null, Bodiless: true);

        string[] ranges = ["bytes=abc", "bytes=5-1", "bytes=99999999999-", "items=0-1", "bytes=0-1,2-3,4-5", "bytes=-0", "bytes=", "bytes=--1", "bytes=1-2-3", new string('r', 4000)];
        foreach (var range in ranges)
        {
            yield return new("bad range", "GET", $"/{uid}/downloads/default.mp4", [$"Range: {range}"], null, MayServe: true);
        }

        string[] filenames = ["a.b", "a%20b", "%2F", new string('f', 121), "..", "%C3%A9", "", "a&filename=b", "a%00b", "%2e%2e%2fx"];
        foreach (var name in filenames)
        {
            yield return new("bad filename", "GET", $"/{uid}/downloads/default.mp4?filename={name}", [], null);
        }

        string[] routes = [stream, $"{stream}/{uid}", $"{stream}/{uid}/downloads", $"{stream}/{uid}/downloads/default", $"{stream}/copy", "/client/v4/user/tokens/verify"];
        foreach (var route in routes)
        {
            foreach (var method in new[] { "PUT", "PATCH" })
            {
                yield return new("wrong method", method, route, json, Encoding.UTF8.GetBytes("{}"));
            }
        }

        yield return new("wrong method", "POST", $"/{uid}/downloads/default.mp4", [], []);
        yield return new("wrong method", "DELETE", $"/{uid}/downloads/default.mp4", [], null);

        string[][] badAuth =
        [
            [], ["Authorization: Bearer"], ["Authorization: Bearer "], ["Authorization: bearer-x"], ["Authorization: Basic dTpw"],
            ["Authorization: Bearer " + new string('t', 5000)], [$"X-Auth-Email: {ServerProcess.Email}"], [$"X-Auth-Key: {ServerProcess.Key}"],
            [$"X-Auth-Email: {new string('e', 300)}@x.com", "X-Auth-Key: k"],
        ];
        yield return new("control bytes in a header", "GET", $"{stream}/{uid}/downloads", ["Authorization: Bearer \u0001\u0002"], null, Bodiless: true);
        foreach (var headers in badAuth)
        {
            yield return new("bad auth", "GET", $"{stream}/{uid}/downloads", headers, null);
            yield return new("bad auth", "POST", $"{stream}/{uid}/downloads", headers, []);
        }
    }
}
