using System.Text.Json;
using Downstream.Cli;
using Downstream.Cli.Infrastructure;
using Downstream.Server.Tests.Support;
using Spectre.Console.Testing;

namespace Downstream.Cli.Tests;

/// <summary>The <c>downstream</c> command against the real server, with a test console.</summary>
[Collection(ServerCollection.Name)]
public sealed class CliTests(ServerFixture fixture)
{
    private Dictionary<string, string> Environment() => new()
    {
        ["CLOUDFLARE_API_TOKEN"] = ServerProcess.Token,
        ["CLOUDFLARE_BASE_URL"] = fixture.Server.BaseUrl + "/client/v4",
        ["CLOUDFLARE_ACCOUNT_ID"] = ServerProcess.AccountId,
    };

    private async Task<(int Code, string Output)> Run(Dictionary<string, string>? environment, params string[] args) =>
        await Run(environment, null, args);

    private async Task<(int Code, string Output)> Run(Dictionary<string, string>? environment, HttpMessageHandler? handler, params string[] args)
    {
        var env = environment ?? Environment();
        var console = new TestConsole();
        console.Profile.Width = 250;
        var code = await CliApp.RunAsync(args, new CliRuntime(console, name => env.GetValueOrDefault(name), handler));
        return (code, console.Output);
    }

    private Task<(int Code, string Output)> Run(params string[] args) => Run(null, args);

    [Fact]
    public async Task Upload_create_wait_fetch_and_delete()
    {
        var (code, output) = await Run("videos", "upload", await fixture.Media.H264AacAsync(), "--wait", "--json");
        Assert.True(code == 0, output);
        var uid = JsonDocument.Parse(output).RootElement.GetProperty("uid").GetString()!;

        (code, output) = await Run("downloads", "create", uid, "--wait");
        Assert.True(code == 0, output);
        Assert.Contains("ready", output, StringComparison.Ordinal);
        Assert.Contains("100%", output, StringComparison.Ordinal);

        (code, output) = await Run("downloads", "create", uid, "--type", "audio", "--wait", "--json");
        Assert.True(code == 0, output);
        Assert.Equal("ready", JsonDocument.Parse(output).RootElement.GetProperty("audio").GetProperty("status").GetString());

        (code, output) = await Run("downloads", "list", uid, "--json");
        Assert.True(code == 0, output);
        var list = JsonDocument.Parse(output).RootElement;
        Assert.Equal(fixture.Server.BaseUrl + $"/{uid}/downloads/default.mp4", list.GetProperty("default").GetProperty("url").GetString());

        using var dir = new TempDir();
        (code, output) = await Run("downloads", "get", uid, "-o", dir.File("clip.mp4"));
        Assert.True(code == 0, output);
        Assert.Contains("wrote", output, StringComparison.Ordinal);
        using (var probe = await Ffmpeg.ProbeAsync(dir.File("clip.mp4")))
        {
            Assert.Equal("h264", probe.RootElement.GetProperty("streams")[0].GetProperty("codec_name").GetString());
        }

        (code, output) = await Run("downloads", "get", uid, "--type", "audio", "-o", dir.File("clip.m4a"), "--json");
        Assert.True(code == 0, output);
        Assert.Equal(new FileInfo(dir.File("clip.m4a")).Length, JsonDocument.Parse(output).RootElement.GetProperty("bytes").GetInt64());

        (code, output) = await Run("downloads", "delete", uid, "--type", "audio");
        Assert.True(code == 0, output);
        (code, output) = await Run("downloads", "list", uid, "--json");
        Assert.False(JsonDocument.Parse(output).RootElement.TryGetProperty("audio", out var audio) && audio.ValueKind != JsonValueKind.Null);

        (code, output) = await Run("videos", "get", uid);
        Assert.True(code == 0, output);
        Assert.Contains(uid, output, StringComparison.Ordinal);
        (code, output) = await Run("videos", "list", "--json");
        Assert.Contains(uid, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_and_a_signed_url_fetch_a_private_video()
    {
        var api = fixture.Api;
        var uid = await api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        await api.SendAsync(HttpMethod.Post, $"{api.Stream}/{uid}/downloads/audio");
        await api.WaitForDownloadAsync(uid, "audio");
        var audio = await fixture.Server.Http.GetByteArrayAsync($"/{uid}/downloads/audio.m4a");
        await api.SendAsync(HttpMethod.Post, $"{api.Stream}/{uid}", new StringContent("""{"requireSignedURLs":true}""", System.Text.Encoding.UTF8, "application/json"));

        var (code, output) = await Run("downloads", "url", uid, "--type", "audio");
        Assert.True(code == 0, output);
        using (var plain = await fixture.Server.Http.GetAsync(output.Trim()))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, plain.StatusCode);
        }

        (code, output) = await Run("downloads", "url", uid, "--type", "audio", "--signed", "--ttl", "10m");
        Assert.True(code == 0, output);
        Assert.DoesNotContain(uid, output, StringComparison.Ordinal);
        Assert.Equal(audio, await fixture.Server.Http.GetByteArrayAsync(output.Trim()));

        (code, output) = await Run("downloads", "url", uid, "--signed", "--ttl", "2d");
        Assert.Equal(1, code);
        Assert.Contains("--ttl", output, StringComparison.Ordinal);

        (code, output) = await Run("keys", "create", "--json");
        Assert.True(code == 0, output);
        var key = JsonDocument.Parse(output).RootElement;
        var id = key.GetProperty("id").GetString()!;
        Assert.False(string.IsNullOrEmpty(key.GetProperty("pem").GetString()));
        (code, output) = await Run("keys", "list");
        Assert.True(code == 0, output);
        Assert.Contains(id, output, StringComparison.Ordinal);
        (code, output) = await Run("keys", "delete", id);
        Assert.True(code == 0, output);
        Assert.Contains("revoked", output, StringComparison.Ordinal);
        (code, output) = await Run("keys", "list", "--json");
        Assert.DoesNotContain(id, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Direct_upload_prints_a_url_that_takes_one_file()
    {
        var (code, output) = await Run("videos", "direct-upload", "--max-duration", "600", "--expiry", "10m", "--json");
        Assert.True(code == 0, output);
        var upload = JsonDocument.Parse(output).RootElement;
        var url = upload.GetProperty("uploadURL").GetString()!;
        using var http = new HttpClient();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(await fixture.Media.H264AacAsync())), "file", "clip.mp4" } };
        using var response = await http.PostAsync(url, form);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        (code, output) = await Run("videos", "direct-upload");
        Assert.Equal(1, code);
        Assert.Contains("--max-duration", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_are_one_readable_line_and_a_nonzero_exit()
    {
        var (code, output) = await Run("downloads", "list", "0123456789abcdef0123456789abcdef");
        Assert.Equal(1, code);
        Assert.StartsWith("error: 404 NotFound: Video not found", output.Trim(), StringComparison.Ordinal);
        Assert.Single(output.Trim().Split('\n'));

        (code, output) = await Run(new Dictionary<string, string> { ["CLOUDFLARE_API_TOKEN"] = "x", ["CLOUDFLARE_BASE_URL"] = fixture.Server.BaseUrl }, "videos", "list");
        Assert.Equal(1, code);
        Assert.Contains("--account-id", output, StringComparison.Ordinal);

        (code, output) = await Run(new Dictionary<string, string> { ["CLOUDFLARE_ACCOUNT_ID"] = ServerProcess.AccountId }, "videos", "list");
        Assert.Equal(1, code);
        Assert.Contains("No credentials", output, StringComparison.Ordinal);

        (code, output) = await Run("videos", "upload", "/no/such/file.mp4");
        Assert.Equal(1, code);
        Assert.Contains("No such file", output, StringComparison.Ordinal);

        (code, output) = await Run("downloads", "create", "0123456789abcdef0123456789abcdef", "--type", "hd");
        Assert.NotEqual(0, code);
        Assert.Contains("--type must be 'default' or 'audio'", output, StringComparison.Ordinal);

        (code, output) = await Run(new Dictionary<string, string>
        {
            ["CLOUDFLARE_API_TOKEN"] = "wrong",
            ["CLOUDFLARE_BASE_URL"] = fixture.Server.BaseUrl,
            ["CLOUDFLARE_ACCOUNT_ID"] = ServerProcess.AccountId,
        }, "videos", "list");
        Assert.Equal(1, code);
        Assert.Contains("401", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resumable_upload_interrupted_goes_on_when_the_command_is_run_again()
    {
        using var state = new TempDir();
        var env = Environment();
        env["XDG_STATE_HOME"] = state.Path;
        var file = await fixture.Media.LargeAsync();

        // The first run loses its connection for good after the first 5 MiB chunk.
        using var cutting = new CuttingHandler(afterPatches: 1);
        var (code, output) = await Run(env, cutting, "videos", "upload", file, "--resumable", "--chunk-size", "5", "--json");
        Assert.Equal(1, code);
        Assert.Contains("error", output, StringComparison.OrdinalIgnoreCase);
        var kept = Assert.Single(Directory.GetFiles(Path.Combine(state.Path, "downstream", "uploads")));
        var url = new Uri(await File.ReadAllTextAsync(kept));

        // The second run goes on from there: one video, the same one, ready, and nothing left to resume.
        (code, output) = await Run(env, "videos", "upload", file, "--resumable", "--chunk-size", "5", "--json");
        Assert.True(code == 0, output);
        var video = JsonDocument.Parse(output).RootElement;
        Assert.Equal(url.Segments[^1], video.GetProperty("uid").GetString());
        Assert.Equal("ready", video.GetProperty("status").GetProperty("state").GetString());
        Assert.False(File.Exists(kept));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(file)),
            System.Security.Cryptography.SHA256.HashData((await fixture.Server.Media.ReadAsync($"videos/{url.Segments[^1]}/source"))!));
    }

    [Fact]
    public async Task Upload_with_no_wait_answers_queued_and_a_bad_chunk_size_is_a_clear_error()
    {
        var (code, output) = await Run("videos", "upload", await fixture.Media.H264AacAsync(), "--no-wait", "--json");
        Assert.True(code == 0, output);
        Assert.Equal("queued", JsonDocument.Parse(output).RootElement.GetProperty("status").GetProperty("state").GetString());

        (code, output) = await Run("videos", "upload", await fixture.Media.H264AacAsync(), "--resumable", "--chunk-size", "3");
        Assert.Equal(1, code);
        Assert.Contains("ChunkSize must be 5 MiB to 200 MiB", output, StringComparison.Ordinal);
    }

    /// <summary>Lets <c>afterPatches</c> PATCHes through, then fails every later one before it is sent.</summary>
    private sealed class CuttingHandler(int afterPatches) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _patches;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.Method == HttpMethod.Patch && ++_patches > afterPatches
                ? throw new HttpRequestException("The network went away.")
                : base.SendAsync(request, cancellationToken);
    }

    [Fact]
    public async Task A_file_that_is_not_video_fails_the_upload()
    {
        var (code, output) = await Run("videos", "upload", await fixture.Media.TextAsync());
        Assert.Equal(1, code);
        Assert.Contains("error:", output, StringComparison.Ordinal);
    }
}
