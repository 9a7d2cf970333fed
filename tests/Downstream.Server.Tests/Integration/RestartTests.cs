using System.Net;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

/// <summary>Servers of their own, killed and restarted.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly TempDir _data = new("downstream-restart");
    private readonly MediaFiles _media = new();

    [Fact]
    public async Task Uploads_over_the_limit_are_413_in_the_envelope()
    {
        await using var server = await ServerProcess.StartAsync(_data.Path, new Dictionary<string, string> { ["DOWNSTREAM_MAX_UPLOAD_BYTES"] = "100000" });
        var api = new StreamApi(server.Http);
        var big = Path.Combine(_data.Path, "big.bin");
        await File.WriteAllBytesAsync(big, new byte[300_000]);
        using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(big)), "file", "big.bin" } };
        var (status, body) = await api.SendAsync(HttpMethod.Post, api.Stream, form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("100000", body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        // Without a Content-Length the limit is enforced while streaming.
        using var chunked = new MultipartFormDataContent { { new StreamContent(new UnknownLengthStream(File.OpenRead(big))), "file", "big.bin" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, api.Stream) { Content = chunked };
        request.Headers.Authorization = new("Bearer", ServerProcess.Token);
        request.Headers.TransferEncodingChunked = true;
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        var (listed, list) = await api.SendAsync(HttpMethod.Get, api.Stream + "?include_counts=true");
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal(0, list.GetProperty("total").GetInt32());
        Assert.Empty(await server.Media.KeysAsync());
        Assert.Empty(server.Media.StagingFiles());
    }

    [Fact]
    public async Task A_tus_upload_resumes_after_a_server_restart_from_the_stored_offset()
    {
        var bytes = await File.ReadAllBytesAsync(await _media.H264AacAsync());
        string uid;
        string path;
        var half = bytes.Length / 2;
        await using (var server = await ServerProcess.StartAsync(_data.Path))
        {
            var api = new StreamApi(server.Http);
            using var created = await TusTests.CreateAsync(server.Http, api.Stream, bytes.Length);
            uid = created.Headers.GetValues("stream-media-id").Single();
            path = created.Headers.Location!.PathAndQuery;
            using var first = await TusTests.PatchAsync(server.Http, path, 0, bytes.AsMemory(0, half));
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);

            // Killed, as in a crash: nothing of the shutdown path runs.
            await server.KillAsync();
        }

        await using (var server = await ServerProcess.StartAsync(_data.Path))
        {
            Assert.Equal(half, await TusTests.HeadOffsetAsync(server.Http, path));
            using var rest = await TusTests.PatchAsync(server.Http, path, half, bytes.AsMemory(half));
            Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
            var video = await new StreamApi(server.Http).WaitForVideoAsync(uid);
            Assert.Equal("ready", video.GetProperty("status").GetProperty("state").GetString());
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes), System.Security.Cryptography.SHA256.HashData((await server.Media.ReadAsync($"videos/{uid}/source"))!));
        }
    }

    [Fact]
    public async Task First_start_without_credentials_prints_a_working_token_once()
    {
        var environment = new Dictionary<string, string>
        {
            ["DOWNSTREAM_API_TOKEN"] = "",
            ["DOWNSTREAM_AUTH_EMAIL"] = "",
            ["DOWNSTREAM_AUTH_KEY"] = "",
            ["DOWNSTREAM_ACCOUNT_ID"] = "",
        };
        string token;
        string account;
        await using (var server = await ServerProcess.StartAsync(_data.Path, environment))
        {
            var output = await Poll.UntilAsync(() => Task.FromResult(server.Output), o => o.Contains("curl", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the banner");
            token = System.Text.RegularExpressions.Regex.Match(output, "DOWNSTREAM_TOKEN=(\\S+)").Groups[1].Value;
            account = System.Text.RegularExpressions.Regex.Match(output, "account ([0-9a-f]{32})").Groups[1].Value;
            Assert.Matches("^[A-Za-z0-9_-]{40}$", token);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/client/v4/accounts/{account}/stream");
            request.Headers.Authorization = new("Bearer", token);
            using var response = await server.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var restarted = await ServerProcess.StartAsync(_data.Path, environment);
        var banner = await Poll.UntilAsync(() => Task.FromResult(restarted.Output), o => o.Contains("curl", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the banner");
        Assert.DoesNotContain(token, banner, StringComparison.Ordinal);
        Assert.Contains($"account {account}", banner, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _media.Dispose();
        _data.Dispose();
    }

    private sealed class UnknownLengthStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
