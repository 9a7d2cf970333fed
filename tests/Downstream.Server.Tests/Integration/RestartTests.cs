using System.Net;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

/// <summary>Servers of their own, killed and restarted.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly TempDir _data = new("downstream-restart");
    private readonly MediaFiles _media = new();

    [Fact]
    public async Task A_server_killed_mid_job_finishes_the_job_after_restart()
    {
        var source = await _media.LongAsync(60);
        string uid;
        int port;
        await using (var first = await ServerProcess.StartAsync(_data.Path))
        {
            port = first.Port;
            var api = new StreamApi(first.Http);
            uid = await api.UploadReadyAsync(source);
            await api.CreateDownloadAsync(uid);
            var running = await Poll.UntilAsync(async () => (await api.GetDownloadsAsync(uid)).Body.GetProperty("result").GetProperty("default"),
                e => e.GetProperty("percentComplete").GetDouble() > 0 || e.GetProperty("status").GetString() != "inprogress",
                TimeSpan.FromSeconds(60), "the job to make progress", 20);
            Assert.Equal("inprogress", running.GetProperty("status").GetString());
            await first.KillAsync();
        }

        var orphans = FfmpegWritingBelow(_data.Path);
        Assert.NotEmpty(orphans);

        await using var second = await ServerProcess.StartAsync(_data.Path, port: port);
        await Poll.UntilAsync(() => Task.FromResult(FfmpegWritingBelow(_data.Path).Intersect(orphans).Count()), n => n == 0,
            TimeSpan.FromSeconds(2), "the orphaned ffmpeg to be stopped");
        var again = new StreamApi(second.Http);
        using (var early = await second.Http.GetAsync($"/{uid}/downloads/default.mp4"))
        {
            Assert.Equal(HttpStatusCode.NotFound, early.StatusCode);
        }

        var done = await again.WaitForDownloadAsync(uid, "default", seconds: 180);
        Assert.Equal("ready", done.GetProperty("status").GetString());

        var file = Path.Combine(_data.Path, "downloaded.mp4");
        await File.WriteAllBytesAsync(file, await second.Http.GetByteArrayAsync($"/{uid}/downloads/default.mp4"));
        using var probe = await Ffmpeg.ProbeAsync(file);
        var duration = double.Parse(probe.RootElement.GetProperty("format").GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(duration, 59.5, 60.5);

        var logs = Directory.GetFiles(Path.Combine(_data.Path, "logs", "jobs"));
        Assert.Single(logs);
        Assert.Equal(2, File.ReadLines(logs[0]).Count(line => line.StartsWith("ffmpeg ", StringComparison.Ordinal)));
    }

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

        var (listed, list) = await api.SendAsync(HttpMethod.Get, api.Stream);
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal(0, list.GetProperty("total").GetInt32());
        Assert.Empty(Directory.Exists(Path.Combine(_data.Path, "media", "videos"))
            ? Directory.GetFiles(Path.Combine(_data.Path, "media", "videos"), "*", SearchOption.AllDirectories)
            : []);
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

    /// <summary>Pids of ffmpeg processes whose arguments name a file below <paramref name="folder"/>.</summary>
    private static List<int> FfmpegWritingBelow(string folder) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ReadCommandLine(pid) is [var program, .. var args]
                && Path.GetFileName(program) == "ffmpeg" && args.Any(a => a.StartsWith(folder, StringComparison.Ordinal)))];

    private static string[] ReadCommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
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
