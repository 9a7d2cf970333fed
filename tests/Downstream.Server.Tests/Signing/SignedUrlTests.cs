using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Signing;

/// <summary>
/// Private videos: signing keys, tokens from the token endpoint and self-signed ones, and every forgery
/// refused without a byte of media. Runs on both backends (the PostgreSQL + S3 pass runs it again).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class SignedUrlTests(ServerFixture fixture)
{
    private readonly StreamApi _api = fixture.Api;

    private HttpClient Http => fixture.Server.Http;

    /// <summary>A ready private video with both downloads ready, and the bytes of its default.mp4.</summary>
    private async Task<(string Uid, byte[] Mp4)> PrivateVideoAsync()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        await _api.CreateDownloadAsync(uid);
        await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}/downloads/audio");
        await _api.WaitForDownloadAsync(uid, "default");
        await _api.WaitForDownloadAsync(uid, "audio");
        var mp4 = await Http.GetByteArrayAsync($"/{uid}/downloads/default.mp4");
        var (status, _) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}", Json(new JsonObject { ["requireSignedURLs"] = true }));
        Assert.Equal(HttpStatusCode.OK, status);
        return (uid, mp4);
    }

    private async Task<(string Id, string Pem)> NewKeyAsync(StreamApi? api = null, string? account = null)
    {
        api ??= _api;
        var (status, body) = await api.SendAsync(HttpMethod.Post, $"/client/v4/accounts/{account ?? ServerProcess.AccountId}/stream/keys", Json(new JsonObject()));
        Assert.Equal(HttpStatusCode.OK, status);
        var result = body.GetProperty("result");
        return (result.GetProperty("id").GetString()!, result.GetProperty("pem").GetString()!);
    }

    private async Task<string> TokenAsync(string uid, JsonObject? body = null)
    {
        var (status, answer) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}/token", body is null ? null : Json(body));
        Assert.True(status == HttpStatusCode.OK, answer.ToString());
        return answer.GetProperty("result").GetProperty("token").GetString()!;
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>GET of a media URL: its status, and the body only when it is not the JSON envelope.</summary>
    private async Task<(HttpStatusCode Status, byte[] Body)> FetchAsync(string path, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure?.Invoke(request);
        using var response = await Http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var envelope = JsonDocument.Parse(bytes);
            StreamApi.AssertEnvelope(response.StatusCode, envelope.RootElement, path);
        }

        return (response.StatusCode, bytes);
    }

    private async Task AssertRefusedAsync(string token, HttpStatusCode expected, string file = "default.mp4")
    {
        var (status, body) = await FetchAsync($"/{token}/downloads/{file}");
        Assert.Equal(expected, status);
        Assert.True(body.AsSpan().IndexOf("ftyp"u8) < 0, "media bytes in a refusal");
    }

    [Fact]
    public async Task Keys_are_created_once_with_pem_and_jwk_listed_without_them_and_deleted_as_revoked()
    {
        var (status, body) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/keys");
        Assert.Equal(HttpStatusCode.OK, status);
        var result = body.GetProperty("result");
        var id = result.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", id);
        var pem = Encoding.UTF8.GetString(Convert.FromBase64String(result.GetProperty("pem").GetString()!));
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", pem, StringComparison.Ordinal);
        using (var rsa = RSA.Create())
        {
            rsa.ImportFromPem(pem);
            Assert.Equal(2048, rsa.KeySize);
        }

        using (var jwk = JsonDocument.Parse(Convert.FromBase64String(result.GetProperty("jwk").GetString()!)))
        {
            var key = jwk.RootElement;
            Assert.Equal(("sig", "RSA", id, "RS256"), (key.GetProperty("use").GetString(), key.GetProperty("kty").GetString(), key.GetProperty("kid").GetString(), key.GetProperty("alg").GetString()));
            foreach (var member in new[] { "n", "e", "d", "p", "q", "dp", "dq", "qi" })
            {
                Assert.False(string.IsNullOrEmpty(key.GetProperty(member).GetString()), member);
            }
        }

        Assert.True(DateTimeOffset.TryParse(result.GetProperty("created").GetString(), out _));

        (_, body) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/keys");
        var listed = body.GetProperty("result").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.False(listed.TryGetProperty("pem", out _));
        Assert.False(listed.TryGetProperty("jwk", out _));

        (status, body) = await _api.SendAsync(HttpMethod.Delete, $"{_api.Stream}/keys/{id}");
        Assert.Equal((HttpStatusCode.OK, "Revoked"), (status, body.GetProperty("result").GetString()));
        (status, _) = await _api.SendAsync(HttpMethod.Delete, $"{_api.Stream}/keys/{id}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        (_, body) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/keys");
        Assert.DoesNotContain(body.GetProperty("result").EnumerateArray(), k => k.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task A_private_video_is_refused_by_its_plain_url_and_served_whole_and_in_ranges_to_a_downloadable_token()
    {
        var (uid, mp4) = await PrivateVideoAsync();
        var (status, _) = await FetchAsync($"/{uid}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        var token = await TokenAsync(uid, new JsonObject { ["downloadable"] = true });
        var read = Jwts.Read(token);
        Assert.Equal(("RS256", uid), (read.Alg, read.Subject));

        var (ok, bytes) = await FetchAsync($"/{token}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(mp4, bytes);
        (ok, bytes) = await FetchAsync($"/{token}/downloads/audio.m4a");
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("ftyp"u8.ToArray(), bytes[4..8]);

        var (partial, range) = await FetchAsync($"/{token}/downloads/default.mp4", r => r.Headers.Range = new RangeHeaderValue(10, 1033));
        Assert.Equal(HttpStatusCode.PartialContent, partial);
        Assert.Equal(mp4[10..1034], range);
        // And with curl, as a user would.
        using (var dir = new TempDir())
        {
            var (code, _, error) = await Ffmpeg.RunAsync("curl", ["-sSf", "-o", dir.File("private.m4a"), $"{fixture.Server.BaseUrl}/{token}/downloads/audio.m4a"]);
            Assert.True(code == 0, error);
            Assert.Equal(bytes, await File.ReadAllBytesAsync(dir.File("private.m4a")));
        }

        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/{token}/downloads/default.mp4?filename=private"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(mp4.Length, head.Content.Headers.ContentLength);
        Assert.Contains("private.mp4", head.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Self_signed_tokens_with_the_returned_pem_work_with_numeric_and_string_times()
    {
        var (uid, mp4) = await PrivateVideoAsync();
        var (kid, pem) = await NewKeyAsync();
        var token = Jwts.Sign(pem, kid, Jwts.Claims(uid, kid));
        var (status, bytes) = await FetchAsync($"/{token}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(mp4, bytes);

        var claims = Jwts.Claims(uid, kid);
        claims["exp"] = claims["exp"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        claims["nbf"] = claims["nbf"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.OK, (await FetchAsync($"/{Jwts.Sign(pem, kid, claims)}/downloads/default.mp4")).Status);

        // The token endpoint signs with the caller's key when given it.
        var issued = await TokenAsync(uid, new JsonObject { ["id"] = kid, ["pem"] = pem, ["downloadable"] = true });
        Assert.Equal(kid, Jwts.Read(issued).Kid);
        Assert.Equal(HttpStatusCode.OK, (await FetchAsync($"/{issued}/downloads/default.mp4")).Status);
    }

    [Fact]
    public async Task A_public_video_is_served_to_a_valid_token_too()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        await _api.CreateDownloadAsync(uid);
        await _api.WaitForDownloadAsync(uid, "default");
        var token = await TokenAsync(uid, new JsonObject { ["downloadable"] = true });
        Assert.Equal(HttpStatusCode.OK, (await FetchAsync($"/{token}/downloads/default.mp4")).Status);
    }

    [Fact]
    public async Task A_token_without_downloadable_is_forbidden()
    {
        var (uid, _) = await PrivateVideoAsync();
        await AssertRefusedAsync(await TokenAsync(uid), HttpStatusCode.Forbidden);
        await AssertRefusedAsync(await TokenAsync(uid), HttpStatusCode.Forbidden, "audio.m4a");
    }

    [Theory]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30.")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.W10.c2ln")]
    [InlineData("bm90IGpzb24.bm90IGpzb24.c2ln")]
    [InlineData("eyJhbGciOiJSUzI1NiIsImtpZCI6WzFdfQ.e30.c2ln")]
    [InlineData("x..y")]
    public async Task Malformed_tokens_are_401_never_500(string token)
    {
        var (status, _) = await FetchAsync($"/{token}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Forgery_alg_none_is_refused()
    {
        var (uid, _) = await PrivateVideoAsync();
        var (kid, _) = await NewKeyAsync();
        await AssertRefusedAsync(Jwts.WithoutSignature(kid, Jwts.Claims(uid, kid)), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Forgery_hs256_keyed_with_the_public_key_is_refused()
    {
        var (uid, _) = await PrivateVideoAsync();
        var (kid, pem) = await NewKeyAsync();
        await AssertRefusedAsync(Jwts.HmacWith(Jwts.PublicPem(pem), kid, Jwts.Claims(uid, kid)), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Forgery_tampered_sub_is_refused()
    {
        var (uid, _) = await PrivateVideoAsync();
        var (other, _) = await PrivateVideoAsync();
        var token = await TokenAsync(uid, new JsonObject { ["downloadable"] = true });
        await AssertRefusedAsync(Jwts.Tamper(token, claims => claims["sub"] = other), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Forgery_tampered_exp_is_refused()
    {
        var (uid, _) = await PrivateVideoAsync();
        var token = await TokenAsync(uid, new JsonObject { ["downloadable"] = true });
        await AssertRefusedAsync(Jwts.Tamper(token, claims => claims["exp"] = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds()), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Forgery_tampered_downloadable_is_refused()
    {
        var (uid, _) = await PrivateVideoAsync();
        var token = await TokenAsync(uid);
        await AssertRefusedAsync(Jwts.Tamper(token, claims => claims["downloadable"] = true), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Forgery_unknown_kid_is_refused()
    {
        var (uid, _) = await PrivateVideoAsync();
        var (kid, pem) = await NewKeyAsync();
        var unknown = new string('a', 32);
        await AssertRefusedAsync(Jwts.Sign(pem, unknown, Jwts.Claims(uid, unknown)), HttpStatusCode.Unauthorized);
        await AssertRefusedAsync(Jwts.Sign(pem, "not-a-key-id", Jwts.Claims(uid, kid)), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Forgery_signed_with_one_key_naming_another_is_refused()
    {
        var (uid, _) = await PrivateVideoAsync();
        var (first, _) = await NewKeyAsync();
        var (_, secondPem) = await NewKeyAsync();
        await AssertRefusedAsync(Jwts.Sign(secondPem, first, Jwts.Claims(uid, first)), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Forgery_with_a_key_of_another_account_is_refused()
    {
        var (uid, _) = await PrivateVideoAsync();
        const string other = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
        var (_, otherToken) = await TokensCli.CreateAsync(fixture.Server.DataDir, readOnly: false, account: other);
        var (kid, pem) = await NewKeyAsync(new StreamApi(Http, token: otherToken), other);
        await AssertRefusedAsync(Jwts.Sign(pem, kid, Jwts.Claims(uid, kid)), HttpStatusCode.Forbidden);

        // Nor will the token endpoint sign with it for this account.
        var (status, _) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}/token", Json(new JsonObject { ["id"] = kid, ["pem"] = pem }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Forgery_with_a_revoked_key_is_refused()
    {
        var (uid, _) = await PrivateVideoAsync();
        var (kid, pem) = await NewKeyAsync();
        var token = Jwts.Sign(pem, kid, Jwts.Claims(uid, kid));
        Assert.Equal(HttpStatusCode.OK, (await FetchAsync($"/{token}/downloads/default.mp4")).Status);
        await _api.SendAsync(HttpMethod.Delete, $"{_api.Stream}/keys/{kid}");
        await AssertRefusedAsync(token, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Forgery_expired_is_refused()
    {
        var (uid, _) = await PrivateVideoAsync();
        var (kid, pem) = await NewKeyAsync();
        var claims = Jwts.Claims(uid, kid);
        claims["exp"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds();
        claims["nbf"] = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        await AssertRefusedAsync(Jwts.Sign(pem, kid, claims), HttpStatusCode.Unauthorized);

        claims.Remove("exp");
        await AssertRefusedAsync(Jwts.Sign(pem, kid, claims), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Forgery_not_yet_valid_is_refused()
    {
        var (uid, _) = await PrivateVideoAsync();
        var (kid, pem) = await NewKeyAsync();
        var claims = Jwts.Claims(uid, kid);
        claims["nbf"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        await AssertRefusedAsync(Jwts.Sign(pem, kid, claims), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Forgery_a_token_for_video_a_used_on_video_b_gets_a_not_b()
    {
        var (a, mp4A) = await PrivateVideoAsync();
        var (b, _) = await PrivateVideoAsync();
        var token = await TokenAsync(a, new JsonObject { ["downloadable"] = true });

        // The token names its video: in place of B's id it still reads A, never B.
        var (status, bytes) = await FetchAsync($"/{token}/downloads/default.mp4");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(mp4A, bytes);
        Assert.NotEqual(b, Jwts.Read(token).Subject);
        (status, _) = await FetchAsync($"/{b}/downloads/default.mp4?token={token}");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Forgery_blocked_ip_is_refused()
    {
        var (uid, _) = await PrivateVideoAsync();
        var rules = new JsonArray(new JsonObject { ["type"] = "ip.src", ["action"] = "block", ["ip"] = new JsonArray("127.0.0.0/8", "::1/128") });
        await AssertRefusedAsync(await TokenAsync(uid, new JsonObject { ["downloadable"] = true, ["accessRules"] = rules }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Forgery_ip_not_among_the_allowed_is_refused_and_an_allowed_ip_is_served()
    {
        var (uid, _) = await PrivateVideoAsync();
        var elsewhere = new JsonArray(
            new JsonObject { ["type"] = "ip.src", ["action"] = "allow", ["ip"] = new JsonArray("203.0.113.0/24") },
            new JsonObject { ["type"] = "any", ["action"] = "block" });
        await AssertRefusedAsync(await TokenAsync(uid, new JsonObject { ["downloadable"] = true, ["accessRules"] = elsewhere }), HttpStatusCode.Forbidden);

        var here = new JsonArray(
            new JsonObject { ["type"] = "ip.src", ["action"] = "allow", ["ip"] = new JsonArray("127.0.0.1", "::1") },
            new JsonObject { ["type"] = "any", ["action"] = "block" });
        var token = await TokenAsync(uid, new JsonObject { ["downloadable"] = true, ["accessRules"] = here });
        Assert.Equal(HttpStatusCode.OK, (await FetchAsync($"/{token}/downloads/default.mp4")).Status);
    }

    [Fact]
    public async Task Token_requests_with_bad_fields_are_400_naming_them()
    {
        var (uid, _) = await PrivateVideoAsync();
        var cases = new (JsonObject Body, string Names)[]
        {
            (new JsonObject { ["exp"] = DateTimeOffset.UtcNow.AddHours(25).ToUnixTimeSeconds() }, "exp"),
            (new JsonObject { ["exp"] = "soon" }, "exp"),
            (new JsonObject { ["id"] = new string('a', 32) }, "pem"),
            (new JsonObject { ["id"] = new string('a', 32), ["pem"] = "bm90IGEga2V5" }, "pem"),
            (new JsonObject { ["downloadable"] = "yes" }, "downloadable"),
            (new JsonObject { ["accessRules"] = new JsonArray(Enumerable.Range(0, 6).Select(_ => (JsonNode)new JsonObject { ["type"] = "any", ["action"] = "allow" }).ToArray()) }, "accessRules"),
            (new JsonObject { ["accessRules"] = new JsonArray(new JsonObject { ["type"] = "ip.src", ["action"] = "allow", ["ip"] = new JsonArray("300.1.2.3") }) }, "accessRules.ip"),
            (new JsonObject { ["accessRules"] = new JsonArray(new JsonObject { ["type"] = "ip.geoip.country", ["action"] = "allow", ["country"] = new JsonArray("US") }) }, "DOWNSTREAM_TRUST_COUNTRY_HEADER"),
        };
        foreach (var (body, names) in cases)
        {
            var (status, answer) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{uid}/token", Json(body));
            Assert.True(status == HttpStatusCode.BadRequest, $"{body.ToJsonString()}: {status}");
            Assert.Contains(names, answer.ToString(), StringComparison.Ordinal);
        }

        var (missing, _) = await _api.SendAsync(HttpMethod.Post, $"{_api.Stream}/{new string('0', 32)}/token");
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }
}
