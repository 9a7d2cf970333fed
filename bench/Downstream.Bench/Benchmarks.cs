using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Downstream.Server.Downloads;
using Downstream.Server.Media;
using Microsoft.Data.Sqlite;

namespace Downstream.Bench;

/// <summary>The benchmarks of issue 4, each measured against its baseline in the same run.</summary>
/// <param name="only">
/// One group of rows: <c>scale-out</c> (the PostgreSQL + S3 rows) or <c>uploads</c> (multipart and tus), from
/// <c>scripts/bench --only NAME</c>; null for all.
/// </param>
public sealed class Benchmarks(Services services, string work, int runs, int seconds, string? only = null)
{
    private static string Stream => $"/client/v4/accounts/{Services.Account}/stream";

    public async Task<List<Row>> RunAsync(Action<string> say)
    {
        var rows = new ReportingList(say);
        say("making media (60 s 720p H.264/AAC MP4, 60 s 720p VP9/Opus WebM, 1 GiB upload file)");
        var h264 = await MakeAsync("h264-720p-60s.mp4", ["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "60", "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-shortest"]);
        var vp9 = await MakeAsync("vp9-720p-60s.webm", ["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "60", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1500k", "-row-mt", "1", "-c:a", "libopus", "-shortest"]);
        var big = Path.Combine(work, "upload-1GiB.bin");
        if (!File.Exists(big))
        {
            await using var file = File.Create(big);
            var chunk = new byte[1 << 20];
            for (var i = 0; i < 1024; i++)
            {
                System.Security.Cryptography.RandomNumberGenerator.Fill(chunk);
                await file.WriteAsync(chunk);
            }
        }

        if (only == "uploads")
        {
            await using var uploadServer = await services.ServerAsync(Path.Combine(work, "data"));
            var emptyBody = Path.Combine(work, "empty-body.json");
            await File.WriteAllTextAsync(emptyBody, "{}");
            await using var sink = await services.BaselineAsync(emptyBody, work);
            rows.Add(await UploadRowAsync(uploadServer, sink, big));
            rows.Add(await TusUploadRowAsync(uploadServer, sink, big));
            return rows;
        }

        if (only == "concurrency")
        {
            rows.AddRange(await new ConcurrencyBenchmarks(services, work, runs).RunAsync(vp9, say));
            return rows;
        }

        if (only == "edge")
        {
            var dataDir = Path.Combine(work, "edge-data");
            string uid;
            await using (var seed = await services.ServerAsync(dataDir))
            using (var seedHttp = Services.Client(seed))
            {
                uid = await UploadAsync(seedHttp, h264);
                await ServerJobAsync(seedHttp, uid, DownloadType.Default, $"{Stream}/{uid}/downloads");
            }

            var file = Path.Combine(dataDir, "media", "videos", uid, "downloads", "default.mp4");
            var www = Path.Combine(work, "edge-www");
            Directory.CreateDirectory(Path.Combine(www, uid, "downloads"));
            File.Copy(file, Path.Combine(www, uid, "downloads", "default.mp4"), overwrite: true);
            rows.AddRange(await EdgeRowsAsync(dataDir, www, uid, new FileInfo(file).Length, say));
            return rows;
        }

        if (only == "metrics")
        {
            rows.Add(await MetricsRowAsync(h264, say));
            return rows;
        }

        if (only == "scale-out")
        {
            rows.AddRange(await new ScaleOutBenchmarks(services, work, runs, seconds).RunAsync(h264, big, say));
            return rows;
        }

        await using var server = await services.ServerAsync(Path.Combine(work, "data"));
        using var http = Services.Client(server);
        var h264Uid = await UploadAsync(http, h264);
        var vp9Uid = await UploadAsync(http, vp9);

        say("downloads: remux, audio and transcode against bare ffmpeg");
        rows.Add(await JobRowAsync(http, h264Uid, h264, DownloadType.Default, "POST .../downloads to ready, 60 s 720p H.264/AAC (remux)",
            "bare ffmpeg -c copy -movflags +faststart", additive: 0.5, ratio: null));
        rows.Add(await JobRowAsync(http, h264Uid, h264, DownloadType.Audio, "POST .../downloads/audio to ready, same file",
            "bare ffmpeg -vn -c:a copy", additive: 0.5, ratio: null));
        rows.Add(await JobRowAsync(http, vp9Uid, vp9, DownloadType.Default, "POST .../downloads to ready, 60 s 720p VP9/Opus (transcode)",
            "bare ffmpeg, the server's exact arguments", additive: null, ratio: 1.05));

        var mediaFile = Path.Combine(work, "data", "media", "videos", h264Uid, "downloads", "default.mp4");
        var nginxRoot = Path.Combine(work, "www");
        Directory.CreateDirectory(Path.Combine(nginxRoot, h264Uid, "downloads"));
        File.Copy(mediaFile, Path.Combine(nginxRoot, h264Uid, "downloads", "default.mp4"), overwrite: true);
        var downloadsBody = Path.Combine(work, "downloads-body.json");
        await File.WriteAllBytesAsync(downloadsBody, await http.GetByteArrayAsync($"{Stream}/{h264Uid}/downloads"));

        await using (var nginx = await services.NginxAsync(nginxRoot))
        await using (var baseline = await services.BaselineAsync(downloadsBody, work))
        {
            say("GET .../downloads against the minimal Kestrel handler");
            rows.Add(await ApiRowAsync(server, baseline, h264Uid, runs, seconds, "", p99Limit: 5));
            say("media delivery against nginx sendfile");
            rows.Add(await DeliveryRowAsync(server, nginx, h264Uid, new FileInfo(mediaFile).Length));
            rows.Add(await RangeRowAsync(server, nginx, h264Uid));
            say("1 GiB multipart upload against curl into the Kestrel sink");
            rows.Add(await UploadRowAsync(server, baseline, big));
            say("1 GiB tus upload in 5 MiB chunks against curl into the same sink");
            rows.Add(await TusUploadRowAsync(server, baseline, big));
        }

        await server.DisposeAsync();
        rows.AddRange(await EdgeRowsAsync(Path.Combine(work, "data"), nginxRoot, h264Uid, new FileInfo(mediaFile).Length, say));

        rows.AddRange(await new ConcurrencyBenchmarks(services, work, runs).RunAsync(vp9, say));

        say("10,000 videos with downloads in the database");
        rows.AddRange(await ManyVideosRowsAsync());

        if (ScaleOutBenchmarks.Available)
        {
            rows.AddRange(await new ScaleOutBenchmarks(services, work, runs, seconds).RunAsync(h264, big, say));
        }
        else
        {
            say("PostgreSQL + S3 rows skipped: DOWNSTREAM_TEST_POSTGRES and DOWNSTREAM_TEST_S3_ENDPOINT are not set (scripts/bench sets them)");
        }

        return rows;
    }

    /// <summary>Prints each row as it is measured, so a long run shows its figures as it goes.</summary>
    private sealed class ReportingList(Action<string> say) : List<Row>
    {
        public new void Add(Row row)
        {
            base.Add(row);
            say($"  {row.Name}: {row.Measured} vs {row.Baseline} ({row.Ratio}; target {row.Target}: {(row.Met ? "met" : "MISSED")})");
        }

        public new void AddRange(IEnumerable<Row> rows)
        {
            foreach (var row in rows)
            {
                Add(row);
            }
        }
    }

    private async Task<string> MakeAsync(string name, string[] arguments)
    {
        var path = Path.Combine(work, name);
        if (!File.Exists(path))
        {
            await Processes.CheckAsync("ffmpeg", ["-hide_banner", "-v", "error", "-y", .. arguments, path]);
        }

        return path;
    }

    public static async Task<string> UploadAsync(HttpClient http, string file)
    {
        using var form = new MultipartFormDataContent();
        var content = new StreamContent(File.OpenRead(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", Path.GetFileName(file));
        using var response = await http.PostAsync(Stream, form);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("result").GetProperty("uid").GetString()!;
    }

    /// <summary>Wall time from POST to a GET that reads ready, against bare ffmpeg making the same file.</summary>
    private async Task<Row> JobRowAsync(HttpClient http, string uid, string source, DownloadType type, string name, string against, double? additive, double? ratio)
    {
        var path = type == DownloadType.Default ? $"{Stream}/{uid}/downloads" : $"{Stream}/{uid}/downloads/audio";
        var probe = ProbeParser.Parse(await Processes.CheckAsync("ffprobe", [.. MediaProber.ProbeArguments(source)]));
        var plan = DownloadPlanner.Plan(probe.Media!, type, 1080, out _)!;
        var server = new List<double>();
        var bare = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            // Alternate which goes first, so neither side always gets the warmer machine.
            if (i % 2 == 1)
            {
                bare.Add(await BareAsync(source, probe.Media!.FormatName, type, plan));
            }

            server.Add(await ServerJobAsync(http, uid, type, path));
            if (i % 2 == 0)
            {
                bare.Add(await BareAsync(source, probe.Media!.FormatName, type, plan));
            }
        }

        var s = Stats.Median(server);
        var b = Stats.Median(bare);
        var met = additive is { } plus ? s <= b + plus : s <= b * ratio!.Value;
        var target = additive is { } add ? $"<= bare + {add} s" : $"<= {ratio:0.00}x";
        return new Row(name, against, $"{s:0.00} s", $"{b:0.00} s", additive is null ? $"{s / b:0.00}x" : $"+{s - b:0.00} s", target, met)
        {
            Runs = new() { ["server_seconds"] = server, ["bare_seconds"] = bare },
        };
    }

    /// <summary>
    /// POST, then poll until ready: every 20 ms in the first second and near the end, every 500 ms in
    /// between, so the poller neither loads the machine nor blurs the time.
    /// </summary>
    private static async Task<double> ServerJobAsync(HttpClient http, string uid, DownloadType type, string path)
    {
        await http.DeleteAsync($"{Stream}/{uid}/downloads/{type.Name}");
        var watch = Stopwatch.StartNew();
        (await http.PostAsync(path, null)).EnsureSuccessStatusCode();
        await UntilReadyAsync(http, uid, type, watch);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Polls the download until ready (see <see cref="ServerJobAsync"/>); an error fails the benchmark.</summary>
    public static async Task UntilReadyAsync(HttpClient http, string uid, DownloadType type, Stopwatch watch)
    {
        while (true)
        {
            using var body = JsonDocument.Parse(await http.GetStringAsync($"{Stream}/{uid}/downloads"));
            var entry = body.RootElement.GetProperty("result").GetProperty(type.Name);
            var status = entry.GetProperty("status").GetString();
            if (status == "ready")
            {
                return;
            }

            if (status == "error")
            {
                throw new InvalidOperationException($"{type.Name} download of {uid} failed on the server");
            }

            var nearlyDone = entry.GetProperty("percentComplete").GetDouble() >= 90;
            await Task.Delay(watch.Elapsed < TimeSpan.FromSeconds(1) || nearlyDone ? 20 : 500);
        }
    }

    private async Task<double> BareAsync(string source, string formatName, DownloadType type, DownloadPlan plan)
    {
        var output = Path.Combine(work, $"bare-{type.Name}{type.Extension}");
        var (code, _, error, elapsed) = await Processes.RunAsync("ffmpeg", FfmpegArguments.ForDownload(source, formatName, output, plan, "veryfast"));
        return code == 0 ? elapsed.TotalSeconds : throw new InvalidOperationException($"bare ffmpeg failed: {error}");
    }

    /// <param name="p99Limit">A latency target besides the ratio, in milliseconds (issue 4's row has one; issue 8's has none).</param>
    public static async Task<Row> ApiRowAsync(Service server, Service baseline, string uid, int runs, int seconds, string label, double? p99Limit)
    {
        var auth = $"Authorization: Bearer {Services.Token}";
        var path = $"{Stream}/{uid}/downloads";
        var ours = new List<WrkResult>();
        var theirs = new List<WrkResult>();
        await Wrk.WarmAsync(server.Url + path, 64, auth);
        await Wrk.WarmAsync(baseline.Url + path, 64, auth);
        for (var i = 0; i < runs; i++)
        {
            ours.Add(await Wrk.RunAsync(server.Url + path, 64, seconds, auth));
            theirs.Add(await Wrk.RunAsync(baseline.Url + path, 64, seconds, auth));
        }

        var s = Stats.Median(ours.Select(r => r.RequestsPerSecond));
        var b = Stats.Median(theirs.Select(r => r.RequestsPerSecond));
        var p99 = Stats.Median(ours.Select(r => r.P99Ms));
        return new Row($"{label}GET .../downloads (token auth + database read), 64 connections", "minimal Kestrel handler, same bytes and bearer check",
            $"{s:0} req/s, p99 {p99:0.0} ms", $"{b:0} req/s, p99 {Stats.Median(theirs.Select(r => r.P99Ms)):0.0} ms", $"{s / b:0.00}x",
            p99Limit is { } limit ? $">= 0.7x, p99 <= {limit:0} ms" : ">= 0.7x", s / b >= 0.7 && (p99Limit is not { } most || p99 <= most))
        {
            Runs = new() { ["server"] = ours, ["baseline"] = theirs },
        };
    }

    /// <summary>
    /// The cost of <c>/metrics</c>: the GET .../downloads ratio against the Kestrel baseline with metrics on and off,
    /// the two servers taking turns on the same data so the machine's noise falls on both.
    /// </summary>
    private async Task<Row> MetricsRowAsync(string media, Action<string> say)
    {
        var dataDir = Path.Combine(work, "metrics-data");
        string uid;
        await using (var seed = await services.ServerAsync(dataDir))
        using (var seedHttp = Services.Client(seed))
        {
            uid = await UploadAsync(seedHttp, media);
            await seedHttp.PostAsync($"{Stream}/{uid}/downloads", null);
        }

        var body = Path.Combine(work, "metrics-downloads-body.json");
        var auth = $"Authorization: Bearer {Services.Token}";
        var path = $"{Stream}/{uid}/downloads";
        var on = new List<double>();
        var off = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            foreach (var metrics in (bool[])[true, false])
            {
                await using var server = await services.ServerAsync(dataDir, environment: new Dictionary<string, string> { ["DOWNSTREAM_METRICS"] = metrics ? "true" : "false" });
                using var http = Services.Client(server);
                await File.WriteAllBytesAsync(body, await http.GetByteArrayAsync(path));
                await using var baseline = await services.BaselineAsync(body, work);
                say($"GET .../downloads with metrics {(metrics ? "on" : "off")}, run {i + 1}");
                await Wrk.WarmAsync(server.Url + path, 64, auth);
                await Wrk.WarmAsync(baseline.Url + path, 64, auth);
                var ours = await Wrk.RunAsync(server.Url + path, 64, seconds, auth);
                var theirs = await Wrk.RunAsync(baseline.Url + path, 64, seconds, auth);
                (metrics ? on : off).Add(ours.RequestsPerSecond / theirs.RequestsPerSecond);
            }
        }

        var withMetrics = Stats.Median(on);
        var without = Stats.Median(off);
        return new Row("GET .../downloads ratio with /metrics on, 64 connections", "the same ratio with DOWNSTREAM_METRICS=false",
            $"{withMetrics:0.00}x", $"{without:0.00}x", $"{withMetrics / without:0.00}x", ">= 0.95x", withMetrics / without >= 0.95)
        {
            Runs = new() { ["ratio with metrics"] = on, ["ratio without"] = off },
        };
    }

    /// <summary>
    /// The nginx edge (<c>deploy/nginx/downstream.conf</c>, the server answering X-Accel-Redirect) against bare nginx
    /// serving the same file, whole and in 64 KiB ranges; both targets 0.9x.
    /// </summary>
    private async Task<List<Row>> EdgeRowsAsync(string dataDir, string nginxRoot, string uid, long size, Action<string> say)
    {
        say("nginx edge in front of the server (X-Accel-Redirect) against bare nginx");
        await using var accelerated = await services.ServerAsync(dataDir, environment: new Dictionary<string, string>
        {
            ["DOWNSTREAM_ACCEL_REDIRECT"] = "/internal/media/",
            ["DOWNSTREAM_TRUSTED_PROXIES"] = "127.0.0.1",
        });
        await using var edge = await services.EdgeAsync(accelerated, Path.Combine(dataDir, "media"));
        await using var nginx = await services.NginxAsync(nginxRoot);
        return
        [
            await DeliveryRowAsync(edge, nginx, uid, size, "edge: ", 0.9),
            await RangeRowAsync(edge, nginx, uid, "edge: ", 0.9),
        ];
    }

    private async Task<Row> DeliveryRowAsync(Service server, Service nginx, string uid, long size, string label = "", double target = 0.9)
    {
        var (s, b, runs) = await CompareAsync(server, nginx, $"/{uid}/downloads/default.mp4", 4, r => r.BytesPerSecond);
        return new Row($"{label}GET default.mp4 whole file ({size / (1024 * 1024.0):0.0} MiB), 4 connections", "nginx sendfile, same file",
            Stats.Mb(s), Stats.Mb(b), $"{s / b:0.00}x", $">= {target:0.0#}x", s / b >= target)
        {
            Runs = runs,
        };
    }

    private async Task<Row> RangeRowAsync(Service server, Service nginx, string uid, string label = "", double target = 0.8)
    {
        var (s, b, runs) = await CompareAsync(server, nginx, $"/{uid}/downloads/default.mp4", 32, r => r.RequestsPerSecond, "Range: bytes=1048576-1114111");
        return new Row($"{label}64 KiB Range requests, 32 connections", "nginx, same file", $"{s:0} req/s", $"{b:0} req/s", $"{s / b:0.00}x", $">= {target:0.0#}x", s / b >= target)
        {
            Runs = runs,
        };
    }

    /// <summary>wrk against the server and nginx in turn, after a warm-up of each; medians of the chosen figure.</summary>
    private Task<(double Ours, double Baseline, Dictionary<string, object> Runs)> CompareAsync(
        Service server, Service nginx, string path, int connections, Func<WrkResult, double> figure, params string[] headers) =>
        Wrk.CompareAsync(server.Url + path, nginx.Url + path, "nginx", runs, seconds, connections, figure, headers);

    private async Task<Row> UploadRowAsync(Service server, Service baseline, string file)
    {
        var size = new FileInfo(file).Length;
        var ours = new List<double>();
        var theirs = new List<double>();
        var growth = new List<double>();
        string[] serverUpload = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", $"Authorization: Bearer {Services.Token}", "-F", $"file=@{file}", server.Url + Stream];
        string[] sinkUpload = ["-s", "-o", "/dev/null", "-F", $"file=@{file}", baseline.Url + "/upload"];

        // One untimed upload each first: the JIT tiers up and the page cache holds the file.
        await Processes.RunAsync("curl", serverUpload);
        await Processes.RunAsync("curl", sinkUpload);
        for (var i = 0; i < runs; i++)
        {
            var ((code, output, error, elapsed), grew) = await Processes.WithPeakRssAsync(server.Pid, () => Processes.RunAsync("curl", serverUpload));
            if (code != 0 || output != "200")
            {
                throw new InvalidOperationException($"upload failed: {output} {error}");
            }

            ours.Add(size / elapsed.TotalSeconds);
            growth.Add(grew);
            var sink = await Processes.RunAsync("curl", sinkUpload);
            theirs.Add(size / sink.Elapsed.TotalSeconds);
        }

        var s = Stats.Median(ours);
        var b = Stats.Median(theirs);
        var rss = Stats.Median(growth) / (1024 * 1024);
        return new Row("multipart upload of a 1 GiB file", "curl into a minimal Kestrel sink writing to disk",
            $"{Stats.Mb(s)}, RSS +{rss:0} MiB", Stats.Mb(b), $"{s / b:0.00}x", ">= 0.9x, RSS growth <= 100 MiB", s / b >= 0.9 && rss <= 100)
        {
            Runs = new() { ["server_bytes_per_second"] = ours, ["sink_bytes_per_second"] = theirs, ["rss_growth_bytes"] = growth },
        };
    }

    /// <summary>
    /// A tus upload as tus-js-client sends one with <c>chunkSize</c> 5 MiB: creation, then one PATCH per chunk on a
    /// kept-alive connection, timed from the creation to the last 204. The baseline is the multipart sink's.
    /// </summary>
    private async Task<Row> TusUploadRowAsync(Service server, Service baseline, string file)
    {
        var size = new FileInfo(file).Length;
        using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(10) };
        var buffer = new byte[5 * 1024 * 1024];
        async Task<TimeSpan> UploadAsync()
        {
            var clock = Stopwatch.StartNew();
            using var create = new HttpRequestMessage(HttpMethod.Post, Stream);
            create.Headers.Authorization = new("Bearer", Services.Token);
            create.Headers.Add("Tus-Resumable", "1.0.0");
            create.Headers.Add("Upload-Length", size.ToString(CultureInfo.InvariantCulture));
            using var created = await http.SendAsync(create);
            var location = created.StatusCode == System.Net.HttpStatusCode.Created ? created.Headers.Location! : throw new InvalidOperationException($"tus creation: {created.StatusCode}");
            await using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            for (long offset = 0; offset < size;)
            {
                var count = await source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false);
                using var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(buffer, 0, count) };
                patch.Headers.Authorization = new("Bearer", Services.Token);
                patch.Headers.Add("Tus-Resumable", "1.0.0");
                patch.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
                patch.Content.Headers.ContentType = new("application/offset+octet-stream");
                using var answer = await http.SendAsync(patch);
                offset += answer.StatusCode == System.Net.HttpStatusCode.NoContent ? count : throw new InvalidOperationException($"tus PATCH at {offset}: {answer.StatusCode}");
            }

            return clock.Elapsed;
        }

        string[] sinkUpload = ["-s", "-o", "/dev/null", "-F", $"file=@{file}", baseline.Url + "/upload"];
        await UploadAsync();
        var ours = new List<double>();
        var theirs = new List<double>();
        var growth = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var (elapsed, grew) = await Processes.WithPeakRssAsync(server.Pid, UploadAsync);
            ours.Add(size / elapsed.TotalSeconds);
            growth.Add(grew);
            theirs.Add(size / (await Processes.RunAsync("curl", sinkUpload)).Elapsed.TotalSeconds);
        }

        var s = Stats.Median(ours);
        var b = Stats.Median(theirs);
        var rss = Stats.Median(growth) / (1024 * 1024);
        return new Row("tus upload of a 1 GiB file, 5 MiB chunks", "curl into the same Kestrel sink (one multipart POST)",
            $"{Stats.Mb(s)}, RSS +{rss:0} MiB", Stats.Mb(b), $"{s / b:0.00}x", ">= 0.8x, RSS growth <= 100 MiB", s / b >= 0.8 && rss <= 100)
        {
            Runs = new() { ["server_bytes_per_second"] = ours, ["sink_bytes_per_second"] = theirs, ["rss_growth_bytes"] = growth },
        };
    }

    private async Task<List<Row>> ManyVideosRowsAsync()
    {
        var data = Path.Combine(work, "data-10k");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        // Start once to make the schema and the account, then seed straight into SQLite.
        await (await services.ServerAsync(data)).DisposeAsync();
        string sample;
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "downstream.db")}"))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            sample = "";
            for (var i = 0; i < 10_000; i++)
            {
                var uid = Guid.NewGuid().ToString("N");
                sample = uid;
                await using var command = connection.CreateCommand();
                command.CommandText = """
                    INSERT INTO videos (uid, account_id, state, pct_complete, duration, width, height, size, meta, name, created, modified, uploaded, ready_at)
                    VALUES ($uid, $account, 'ready', 100, 60, 1280, 720, 10000000, $meta, $name, $t, $t, $t, $t);
                    INSERT INTO downloads (video_uid, type, status, percent_complete, job_id, size, created, modified)
                    VALUES ($uid, 'default', 'ready', 100, $job1, 9000000, $t, $t), ($uid, 'audio', 'ready', 100, $job2, 900000, $t, $t);
                    """;
                command.Parameters.AddWithValue("$uid", uid);
                command.Parameters.AddWithValue("$account", Services.Account);
                command.Parameters.AddWithValue("$meta", $"{{\"name\":\"video-{i}.mp4\"}}");
                command.Parameters.AddWithValue("$name", $"video-{i}.mp4");
                command.Parameters.AddWithValue("$t", now - (10_000 - i) * 1000L);
                command.Parameters.AddWithValue("$job1", Guid.NewGuid().ToString("N"));
                command.Parameters.AddWithValue("$job2", Guid.NewGuid().ToString("N"));
                await command.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        SqliteConnection.ClearAllPools();
        await using var server = await services.ServerAsync(data);
        var auth = $"Authorization: Bearer {Services.Token}";
        var list = new List<WrkResult>();
        var downloads = new List<WrkResult>();
        await Wrk.WarmAsync($"{server.Url}{Stream}?limit=1000", 8, auth);
        await Wrk.WarmAsync($"{server.Url}{Stream}/{sample}/downloads", 8, auth);
        for (var i = 0; i < runs; i++)
        {
            list.Add(await Wrk.RunAsync($"{server.Url}{Stream}?limit=1000", 8, seconds, auth));
            downloads.Add(await Wrk.RunAsync($"{server.Url}{Stream}/{sample}/downloads", 8, seconds, auth));
        }

        var listP99 = Stats.Median(list.Select(r => r.P99Ms));
        var downloadsP99 = Stats.Median(downloads.Select(r => r.P99Ms));
        return
        [
            new Row("GET /stream?limit=1000 with 10,000 videos, 8 connections", "target only", $"p99 {listP99:0.0} ms, {Stats.Median(list.Select(r => r.RequestsPerSecond)):0} req/s", "-", "-", "p99 <= 20 ms", listP99 <= 20)
            {
                Runs = new() { ["server"] = list },
            },
            new Row("GET .../downloads with 10,000 videos, 8 connections", "target only", $"p99 {downloadsP99:0.0} ms, {Stats.Median(downloads.Select(r => r.RequestsPerSecond)):0} req/s", "-", "-", "p99 <= 5 ms", downloadsP99 <= 5)
            {
                Runs = new() { ["server"] = downloads },
            },
        ];
    }
}
