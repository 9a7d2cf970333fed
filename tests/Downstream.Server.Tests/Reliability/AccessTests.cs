using System.Net;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Reliability;

/// <summary>Accounts are walls: a token of account A reaches nothing of account B, on any route.</summary>
[Collection(ServerCollection.Name)]
public sealed class AccessTests(ServerFixture fixture)
{
    private const string AccountB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private static IEnumerable<(HttpMethod Method, string Path, Func<HttpContent?> Body)> Routes(string account, string uid) =>
    [
        (HttpMethod.Get, $"/client/v4/accounts/{account}/stream", () => null),
        (HttpMethod.Post, $"/client/v4/accounts/{account}/stream", () => new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "x.mp4" } }),
        (HttpMethod.Post, $"/client/v4/accounts/{account}/stream/copy", () => StreamApi.Json("""{"url":"http://127.0.0.1:9/x.mp4"}""")),
        (HttpMethod.Get, $"/client/v4/accounts/{account}/stream/{uid}", () => null),
        (HttpMethod.Post, $"/client/v4/accounts/{account}/stream/{uid}", () => StreamApi.Json("""{"meta":{"name":"taken"}}""")),
        (HttpMethod.Delete, $"/client/v4/accounts/{account}/stream/{uid}", () => null),
        (HttpMethod.Get, $"/client/v4/accounts/{account}/stream/{uid}/downloads", () => null),
        (HttpMethod.Post, $"/client/v4/accounts/{account}/stream/{uid}/downloads", () => null),
        (HttpMethod.Delete, $"/client/v4/accounts/{account}/stream/{uid}/downloads", () => null),
        (HttpMethod.Post, $"/client/v4/accounts/{account}/stream/{uid}/downloads/audio", () => null),
        (HttpMethod.Delete, $"/client/v4/accounts/{account}/stream/{uid}/downloads/audio", () => null),
        (HttpMethod.Get, $"/accounts/{account}/stream/{uid}/downloads", () => null),
        (HttpMethod.Delete, $"/accounts/{account}/stream/{uid}", () => null),
    ];

    [Fact]
    public async Task A_token_of_account_A_reaches_nothing_of_account_B()
    {
        var (_, tokenB) = await TokensCli.CreateAsync(fixture.Server.DataDir, readOnly: false, account: AccountB);
        var apiB = new StreamApi(fixture.Server.Http, token: tokenB);
        var uidB = await UploadAsync(apiB, AccountB);
        await apiB.SendAsync(HttpMethod.Post, $"/client/v4/accounts/{AccountB}/stream/{uidB}/downloads");
        var apiA = new StreamApi(fixture.Server.Http);

        // A's token on B's account: 403 on every route.
        foreach (var (method, path, body) in Routes(AccountB, uidB))
        {
            var (status, _) = await apiA.SendAsync(method, path, body());
            Assert.True(status == HttpStatusCode.Forbidden, $"{method} {path}: {status}");
        }

        // A's token on its own account with B's video: the video does not exist there.
        foreach (var (method, path, body) in Routes(ServerProcess.AccountId, uidB).Where(r => r.Path.Contains(uidB, StringComparison.Ordinal)))
        {
            var (status, _) = await apiA.SendAsync(method, path, body());
            Assert.True(status == HttpStatusCode.NotFound, $"{method} {path}: {status}");
        }

        // B's video and download are untouched.
        var (ok, video) = await apiB.SendAsync(HttpMethod.Get, $"/client/v4/accounts/{AccountB}/stream/{uidB}");
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.NotEqual("taken", video.GetProperty("result").GetProperty("meta").GetProperty("name").GetString());
        var (_, downloads) = await apiB.SendAsync(HttpMethod.Get, $"/client/v4/accounts/{AccountB}/stream/{uidB}/downloads");
        Assert.True(downloads.GetProperty("result").TryGetProperty("default", out _));
    }

    [Fact]
    public async Task A_read_only_token_changes_nothing_on_any_route()
    {
        var uid = await fixture.Api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        var (_, readToken) = await TokensCli.CreateAsync(fixture.Server.DataDir, readOnly: true);
        var reader = new StreamApi(fixture.Server.Http, token: readToken);
        foreach (var (method, path, body) in Routes(ServerProcess.AccountId, uid))
        {
            var (status, _) = await reader.SendAsync(method, path, body());
            var expected = method == HttpMethod.Get ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
            Assert.True(status == expected, $"{method} {path}: {status}");
        }

        var (_, video) = await fixture.Api.SendAsync(HttpMethod.Get, $"{fixture.Api.Stream}/{uid}");
        Assert.Equal("ready", video.GetProperty("result").GetProperty("status").GetProperty("state").GetString());
        var (_, downloads) = await fixture.Api.GetDownloadsAsync(uid);
        Assert.Equal("{}", downloads.GetProperty("result").GetRawText());
    }

    private async Task<string> UploadAsync(StreamApi api, string account)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(await fixture.Media.H264AacAsync())), "file", "b.mp4" } };
        var (status, body) = await api.SendAsync(HttpMethod.Post, $"/client/v4/accounts/{account}/stream", form);
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("result").GetProperty("uid").GetString()!;
    }
}
