using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Reliability;

/// <summary>SIGKILL in the middle of a transcode, while a client keeps asking for the file.</summary>
public sealed class CrashTests : IDisposable
{
    private readonly TempDir _data = new("downstream-crash");
    private readonly MediaFiles _media = new();

    [Fact]
    public async Task A_server_killed_mid_transcode_finishes_the_job_and_never_serves_a_partial_file()
    {
        var source = await _media.LongAsync(60);
        var first = await ServerProcess.StartAsync(_data.Path);
        var port = first.Port;
        var api = new StreamApi(first.Http);
        var uid = await api.UploadReadyAsync(source);
        var earlier = await api.UploadReadyAsync(await _media.H264AacAsync());
        await api.CreateDownloadAsync(earlier);
        await api.WaitForDownloadAsync(earlier, "default");
        var earlierHash = SHA256.HashData(await first.Http.GetByteArrayAsync($"/{earlier}/downloads/default.mp4"));

        // Poll the media URLs through the crash and the restart.
        using var stop = new CancellationTokenSource();
        var seen = new ConcurrentBag<(HttpStatusCode Status, string? Hash, string Which)>();
        using var poller = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var polling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var (id, which) in new[] { (uid, "new"), (earlier, "earlier") })
                {
                    try
                    {
                        using var response = await poller.GetAsync($"/{id}/downloads/default.mp4");
                        var hash = response.IsSuccessStatusCode ? Convert.ToHexString(SHA256.HashData(await response.Content.ReadAsByteArrayAsync())) : null;
                        seen.Add((response.StatusCode, hash, which));
                    }
                    catch (HttpRequestException)
                    {
                        // The server is down between the kill and the restart.
                    }
                }

                await Task.Delay(50);
            }
        });

        await api.CreateDownloadAsync(uid);
        await Poll.UntilAsync(async () => (await api.GetDownloadsAsync(uid)).Body.GetProperty("result").GetProperty("default"),
            e => e.GetProperty("percentComplete").GetDouble() > 0 || e.GetProperty("status").GetString() != "inprogress",
            TimeSpan.FromSeconds(60), "the transcode to make progress", 20);
        await first.KillAsync();
        await first.DisposeAsync();
        var orphans = FfmpegWritingBelow(_data.Path);
        Assert.NotEmpty(orphans);

        await using var second = await ServerProcess.StartAsync(_data.Path, port: port);
        await Poll.UntilAsync(() => Task.FromResult(FfmpegWritingBelow(_data.Path).Intersect(orphans).Count()), n => n == 0,
            TimeSpan.FromSeconds(2), "the orphaned ffmpeg to be stopped");
        var again = new StreamApi(second.Http);
        var done = await again.WaitForDownloadAsync(uid, "default", seconds: 180);
        Assert.Equal("ready", done.GetProperty("status").GetString());
        var final = await second.Http.GetByteArrayAsync($"/{uid}/downloads/default.mp4");
        var finalHash = Convert.ToHexString(SHA256.HashData(final));
        await Poll.UntilAsync(() => Task.FromResult(seen.Count(s => s.Which == "new" && s.Status == HttpStatusCode.OK)), n => n >= 3,
            TimeSpan.FromSeconds(10), "the poller to see the finished file");
        await stop.CancelAsync();
        await polling;

        Assert.All(seen.Where(s => s.Which == "new"), s =>
        {
            Assert.Contains(s.Status, new[] { HttpStatusCode.OK, HttpStatusCode.NotFound });
            if (s.Status == HttpStatusCode.OK)
            {
                Assert.Equal(finalHash, s.Hash);
            }
        });
        Assert.All(seen.Where(s => s.Which == "earlier"), s =>
        {
            Assert.Equal(HttpStatusCode.OK, s.Status);
            Assert.Equal(Convert.ToHexString(earlierHash), s.Hash);
        });

        var file = _data.File("final.mp4");
        await File.WriteAllBytesAsync(file, final);
        using var probe = await Ffmpeg.ProbeAsync(file);
        var duration = double.Parse(probe.RootElement.GetProperty("format").GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(duration, 59.5, 60.5);

        var (_, list) = await again.SendAsync(HttpMethod.Get, again.Stream);
        foreach (var video in list.GetProperty("result").EnumerateArray())
        {
            var (_, downloads) = await again.GetDownloadsAsync(video.GetProperty("uid").GetString()!);
            foreach (var entry in downloads.GetProperty("result").EnumerateObject())
            {
                Assert.NotEqual("inprogress", entry.Value.GetProperty("status").GetString());
            }
        }

        var log = Assert.Single(JobLogFiles.For(_data.Path, uid, "default.mp4"));
        Assert.Equal(2, File.ReadLines(log).Count(line => line.StartsWith("ffmpeg ", StringComparison.Ordinal)));

        // The killed server's ffmpeg was stopped at restart and its staging file removed.
        Assert.Empty(second.Media.StagingFiles());
    }

    /// <summary>Pids of ffmpeg processes whose arguments name a file below <paramref name="folder"/>.</summary>
    private static List<int> FfmpegWritingBelow(string folder) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ReadCommandLine(pid) is [var program, .. var args]
                && Path.GetFileName(program) == "ffmpeg" && args.Any(a => a.StartsWith(folder, StringComparison.Ordinal) || a.StartsWith("file:" + folder, StringComparison.Ordinal)))];

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
}
