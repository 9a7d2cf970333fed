using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Reliability;

/// <summary>The bounds a node keeps on itself: uploads in flight, free space, ffmpeg run time, job logs.</summary>
public sealed class LimitsTests : IDisposable
{
    private readonly TempDir _data = new("downstream-limits");
    private readonly MediaFiles _media = new();

    [Fact]
    public async Task An_upload_past_the_in_flight_limit_is_429_with_retry_after_and_the_slot_comes_back()
    {
        await using var server = await ServerProcess.StartAsync(_data.Path, new Dictionary<string, string> { ["DOWNSTREAM_MAX_CONCURRENT_UPLOADS"] = "1" });
        var api = new StreamApi(server.Http);

        // One upload that sends its head and then trickles its body: it holds the only slot. When a probe
        // got in first, the held one was the one refused; then it is sent again.
        HeldUpload? held = null;
        try
        {
            var refused = await Poll.UntilAsync(
                async () =>
                {
                    if (held is null || held.Answered)
                    {
                        held?.Dispose();
                        held = await HeldUpload.StartAsync(server.Port, api.Stream);
                    }

                    using var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[16]), "file", "b.mp4" } };
                    using var request = new HttpRequestMessage(HttpMethod.Post, api.Stream) { Content = form };
                    request.Headers.Authorization = new("Bearer", ServerProcess.Token);
                    var response = await server.Http.SendAsync(request);
                    return (response.StatusCode, response.Headers.RetryAfter, Body: await response.Content.ReadAsStringAsync());
                },
                r => r.StatusCode == HttpStatusCode.TooManyRequests,
                TimeSpan.FromSeconds(30), "the second upload to be refused while the first holds the slot");
            Assert.NotNull(refused.RetryAfter);
            using var body = JsonDocument.Parse(refused.Body);
            StreamApi.AssertEnvelope(HttpStatusCode.TooManyRequests, body.RootElement, "busy upload");
        }
        finally
        {
            held?.Dispose();
        }

        var video = await Poll.UntilAsync(
            async () =>
            {
                using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(await _media.H264AacAsync())), "file", "c.mp4" } };
                return await api.SendAsync(HttpMethod.Post, api.Stream, form);
            },
            r => r.Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(20), "an upload to succeed once the held one is gone");
        var uid = video.Body.GetProperty("result").GetProperty("uid").GetString()!;
        Assert.Equal("ready", (await api.WaitForVideoAsync(uid)).GetProperty("status").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Uploads_and_copies_are_refused_with_507_when_the_disk_is_short_and_nothing_is_stored()
    {
        await using var server = await ServerProcess.StartAsync(_data.Path, new Dictionary<string, string>
        {
            ["DOWNSTREAM_MIN_FREE_BYTES"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var api = new StreamApi(server.Http);
        using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(await _media.H264AacAsync())), "file", "a.mp4" } };
        var (upload, uploadBody) = await api.SendAsync(HttpMethod.Post, api.Stream, form);
        Assert.Equal(HttpStatusCode.InsufficientStorage, upload);
        Assert.Contains("disk space", uploadBody.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        var (copy, _) = await api.SendAsync(HttpMethod.Post, $"{api.Stream}/copy", StreamApi.Json("""{"url":"http://127.0.0.1:9/video.mp4"}"""));
        Assert.Equal(HttpStatusCode.InsufficientStorage, copy);

        var (list, listBody) = await api.SendAsync(HttpMethod.Get, api.Stream);
        Assert.Equal(HttpStatusCode.OK, list);
        Assert.Equal(0, listBody.GetProperty("result").GetArrayLength());
        Assert.Empty(await server.Media.KeysAsync());
        Assert.Empty(server.Media.StagingFiles());
    }

    [Fact]
    public async Task An_ffmpeg_run_past_its_deadline_ends_the_download_in_error_and_is_not_retried()
    {
        await using var server = await ServerProcess.StartAsync(_data.Path, new Dictionary<string, string>
        {
            ["Downstream__FfmpegTimeoutBase"] = "00:00:00.100",
            ["Downstream__FfmpegTimeoutPerMediaSecond"] = "00:00:00",
        });
        var api = new StreamApi(server.Http);
        var uid = await api.UploadReadyAsync(await _media.LongAsync(20));
        await api.CreateDownloadAsync(uid);
        var entry = await api.WaitForDownloadAsync(uid, "default", seconds: 60);
        Assert.Equal("error", entry.GetProperty("status").GetString());
        Assert.Equal("ERR_TIMEOUT", entry.GetProperty("errorReasonCode").GetString());
        Assert.Contains("took longer than", entry.GetProperty("errorReasonText").GetString(), StringComparison.Ordinal);
        Assert.False(entry.TryGetProperty("etaSeconds", out _));

        var logs = Directory.GetFiles(Path.Combine(_data.Path, "logs", "jobs", uid), "*.log");
        var log = Assert.Single(logs);
        Assert.Equal(1, File.ReadLines(log).Count(line => line.StartsWith("ffmpeg ", StringComparison.Ordinal)));
        Assert.Contains(File.ReadLines(log), line => line.StartsWith("timed out", StringComparison.Ordinal));
        Assert.Contains("longer than", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_logs_go_with_their_video()
    {
        await using var server = await ServerProcess.StartAsync(_data.Path);
        var api = new StreamApi(server.Http);
        var uid = await api.UploadReadyAsync(await _media.H264AacAsync());
        await api.CreateDownloadAsync(uid);
        await api.CreateDownloadAsync(uid, "audio");
        await api.WaitForDownloadAsync(uid, "default");
        await api.WaitForDownloadAsync(uid, "audio");
        var folder = Path.Combine(_data.Path, "logs", "jobs", uid);
        Assert.Equal(2, Directory.GetFiles(folder, "*.log").Length);

        var (deleted, _) = await api.SendAsync(HttpMethod.Delete, $"{api.Stream}/{uid}");
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.False(Directory.Exists(folder), "the job logs outlived their video");
    }

    [Fact]
    public async Task Deleting_a_video_mid_transcode_answers_ok_stops_ffmpeg_and_leaves_no_files()
    {
        await using var server = await ServerProcess.StartAsync(_data.Path);
        var api = new StreamApi(server.Http);
        var uid = await api.UploadReadyAsync(await _media.LongAsync(30));
        await api.CreateDownloadAsync(uid);
        await Poll.UntilAsync(async () => (await api.GetDownloadsAsync(uid)).Body.GetProperty("result").GetProperty("default"),
            e => e.GetProperty("percentComplete").GetDouble() > 0, TimeSpan.FromSeconds(60), "the transcode to make progress", 50);

        var (status, _) = await api.SendAsync(HttpMethod.Delete, $"{api.Stream}/{uid}");
        Assert.Equal(HttpStatusCode.OK, status);
        await Poll.UntilAsync(async () => (await server.Media.KeysAsync($"videos/{uid}/")).Count > 0 || FfmpegFor(uid), busy => !busy,
            TimeSpan.FromSeconds(30), "the video's ffmpeg and files to be gone");
        Assert.False(Directory.Exists(Path.Combine(_data.Path, "logs", "jobs", uid)));
        Assert.DoesNotContain("Unhandled error", server.Output, StringComparison.Ordinal);
    }

    private static bool FfmpegFor(string uid) =>
        Directory.EnumerateDirectories("/proc").Any(dir =>
        {
            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                return Path.GetFileName(args[0]) == "ffmpeg" && args.Any(a => a.Contains(uid, StringComparison.Ordinal));
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        });

    /// <summary>An upload that sends its head and then a trickle of body, above Kestrel's minimum data rate.</summary>
    private sealed class HeldUpload : IDisposable
    {
        private readonly TcpClient _client;
        private readonly CancellationTokenSource _stop = new();

        private HeldUpload(TcpClient client)
        {
            _client = client;
            var stream = client.GetStream();
            _ = Task.Run(async () =>
            {
                try
                {
                    while (!_stop.IsCancellationRequested)
                    {
                        await stream.WriteAsync(new byte[4096], _stop.Token);
                        await Task.Delay(100, _stop.Token);
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
                {
                }
            });
        }

        /// <summary>The server answered it (refused it), so it holds no slot.</summary>
        public bool Answered => _client.Available > 0;

        public static async Task<HeldUpload> StartAsync(int port, string path)
        {
            var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            const string boundary = "held-boundary";
            var start = $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.mp4\"\r\n\r\n";
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
                $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {ServerProcess.Token}\r\n"
                + $"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 10000000\r\n\r\n{start}"));
            return new HeldUpload(client);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _client.Dispose();
            _stop.Dispose();
        }
    }

    public void Dispose()
    {
        _media.Dispose();
        _data.Dispose();
    }
}
