using System.Diagnostics;
using System.Globalization;
using Downstream.Server.Downloads;
using Downstream.Server.Media;

namespace Downstream.Bench;

/// <summary>
/// Issue 13's rows: N transcodes at once through the server (N = cores, then 2N) against N bare ffmpeg processes
/// with the same arguments started at once, and the API's GET .../downloads p99 while the jobs run against its
/// idle p99 (sampled every 20 ms by one client, so the sampling itself loads nothing).
/// </summary>
public sealed class ConcurrencyBenchmarks(Services services, string work, int runs)
{
    private static string Stream => $"/client/v4/accounts/{Services.Account}/stream";

    public async Task<List<Row>> RunAsync(string source, Action<string> say)
    {
        var rows = new List<Row>();
        var probe = ProbeParser.Parse(await Processes.CheckAsync("ffprobe", [.. MediaProber.ProbeArguments(source)]));
        var plan = DownloadPlanner.Plan(probe.Media!, DownloadType.Default, 1080, out _)!;
        foreach (var jobs in new[] { 1, Environment.ProcessorCount, 2 * Environment.ProcessorCount }.Distinct())
        {
            say($"{jobs} transcodes at once through the server, against {jobs} bare ffmpeg at once");
            await using var server = await services.ServerAsync(Path.Combine(work, $"concurrency-{jobs}"), environment: new Dictionary<string, string>
            {
                ["DOWNSTREAM_WORKER_CONCURRENCY"] = jobs.ToString(CultureInfo.InvariantCulture),
            });
            using var http = Services.Client(server);
            var uids = new List<string>();
            for (var i = 0; i < jobs; i++)
            {
                uids.Add(await Benchmarks.UploadAsync(http, source));
            }

            var ours = new List<double>();
            var theirs = new List<double>();
            var idle = new List<double>();
            var busy = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                idle.Add(await P99Async(http, uids[0], TimeSpan.FromSeconds(5), null));

                // Both sides run under the same light API sampling, and take turns going first.
                if (run % 2 == 1)
                {
                    theirs.Add((await WhileSamplingAsync(http, uids[0], () => BareAsync(source, probe.Media!.FormatName, plan, jobs))).Seconds);
                }

                var (seconds, p99) = await WhileSamplingAsync(http, uids[0], async () =>
                {
                    var watch = Stopwatch.StartNew();
                    await Task.WhenAll(uids.Select(uid => http.DeleteAsync($"{Stream}/{uid}/downloads")));
                    await Task.WhenAll(uids.Select(async uid => (await http.PostAsync($"{Stream}/{uid}/downloads", null)).EnsureSuccessStatusCode()));
                    await Task.WhenAll(uids.Select(uid => Benchmarks.UntilReadyAsync(http, uid, DownloadType.Default, watch)));
                    return watch.Elapsed.TotalSeconds;
                });
                ours.Add(seconds);
                busy.Add(p99);
                if (run % 2 == 0)
                {
                    theirs.Add((await WhileSamplingAsync(http, uids[0], () => BareAsync(source, probe.Media!.FormatName, plan, jobs))).Seconds);
                }
            }

            var s = Stats.Median(ours);
            var b = Stats.Median(theirs);
            rows.Add(new Row($"{jobs} transcode{(jobs > 1 ? "s" : "")} at once (60 s 720p VP9 to H.264), wall time ({s / jobs:0.0} s a job)", $"{jobs} bare ffmpeg at once, same arguments",
                $"{s:0.00} s", $"{b:0.00} s", $"{s / b:0.00}x", "<= 1.05x", s / b <= 1.05)
            {
                Runs = new() { ["server_seconds"] = ours, ["bare_seconds"] = theirs },
            });
            var quiet = Stats.Median(idle);
            var loaded = Stats.Median(busy);
            rows.Add(new Row($"GET .../downloads p99 while {jobs} transcodes run", "the same p99 with no job running",
                $"{loaded:0.0} ms", $"{quiet:0.0} ms", $"{loaded / quiet:0.00}x", "<= 2x", loaded / quiet <= 2)
            {
                Runs = new() { ["p99_busy_ms"] = busy, ["p99_idle_ms"] = idle },
            });
        }

        return rows;
    }

    private static async Task<(double Seconds, double P99)> WhileSamplingAsync(HttpClient http, string uid, Func<Task<double>> work)
    {
        using var stop = new CancellationTokenSource();
        var sampling = P99Async(http, uid, TimeSpan.FromHours(1), stop.Token);
        var seconds = await work();
        await stop.CancelAsync();
        return (seconds, await sampling);
    }

    /// <summary>One GET every 20 ms until <paramref name="duration"/> passes or <paramref name="stop"/> fires; the p99 in ms.</summary>
    private static async Task<double> P99Async(HttpClient http, string uid, TimeSpan duration, CancellationToken? stop)
    {
        var latencies = new List<double>();
        var until = Stopwatch.StartNew();
        while (until.Elapsed < duration && stop?.IsCancellationRequested != true)
        {
            var watch = Stopwatch.StartNew();
            using (var response = await http.GetAsync($"{Stream}/{uid}/downloads"))
            {
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }

            latencies.Add(watch.Elapsed.TotalMilliseconds);
            var rest = TimeSpan.FromMilliseconds(20) - watch.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
        }

        latencies.Sort();
        return latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(latencies.Count * 0.99) - 1)];
    }

    private async Task<double> BareAsync(string source, string formatName, DownloadPlan plan, int jobs)
    {
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, jobs).Select(i =>
            Processes.RunAsync("ffmpeg", FfmpegArguments.ForDownload(source, formatName, Path.Combine(work, $"bare-concurrent-{i}.mp4"), plan, "veryfast"))));
        return results.All(r => r.Code == 0) ? watch.Elapsed.TotalSeconds : throw new InvalidOperationException("bare ffmpeg failed");
    }
}
